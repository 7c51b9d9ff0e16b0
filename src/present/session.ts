import type { SessionRecord } from '../directory/index.js';

/** A session as /auth shows it to its holder: its scope and times, never its token or the token's hash. */
export const presentSession = (session: SessionRecord) => ({
  scope: session.scope,
  createdAt: session.createdAt.toISOString(),
  lastSeenAt: session.lastSeenAt.toISOString(),
  expiresAt: session.expiresAt.toISOString(),
  absoluteExpiresAt: session.absoluteExpiresAt.toISOString(),
});
