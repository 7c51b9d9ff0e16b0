import type { ScimTokenRecord } from '../directory/index.js';

/** What leaves the service of a SCIM token: never the token or its hash. */
export const presentScimToken = (t: ScimTokenRecord) => ({
  id: t.id,
  name: t.name,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt ? t.lastUsedAt.toISOString() : null,
});
