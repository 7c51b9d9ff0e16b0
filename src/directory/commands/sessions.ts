import type { DirectoryContext } from '../context.js';
import { runScript } from '../scripts.js';
import { newToken, hashToken } from '../tokens.js';
import { toUserRecord, type RawUser } from '../user-record.js';
import type { SessionRecord, SessionScope, UserRecord } from '../types.js';

export interface SessionLifetime {
  idleTtlSeconds: number;
  maxTtlSeconds: number;
}

export interface OpenedSession {
  /** The bearer token: shown to the client once, stored only as its SHA-256. */
  token: string;
  session: SessionRecord;
  user: UserRecord;
}

export type SessionLookup =
  | { status: 'ok'; session: SessionRecord; user: UserRecord; tokenHash: string }
  | { status: 'missing' | 'user_inactive' };

interface RawSession {
  userId: string;
  scope: SessionScope;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  absoluteExpiresAt: number;
}

const toSession = (raw: RawSession): SessionRecord => ({
  userId: raw.userId,
  scope: raw.scope,
  createdAt: new Date(raw.createdAt),
  lastSeenAt: new Date(raw.lastSeenAt),
  expiresAt: new Date(raw.expiresAt),
  absoluteExpiresAt: new Date(raw.absoluteExpiresAt),
});

/** Opens a session for an active user; refused with user_inactive otherwise. */
export async function createSession(
  ctx: DirectoryContext,
  userId: string,
  options: SessionLifetime & { scope: SessionScope; recordLogin?: boolean },
): Promise<OpenedSession> {
  const token = newToken();
  const result = await runScript<{ session: RawSession; user: RawUser }>(ctx.redis, ctx.keys.base, 'create-session', {
    userId,
    tokenHash: hashToken(token),
    scope: options.scope,
    idleMs: options.idleTtlSeconds * 1000,
    maxMs: options.maxTtlSeconds * 1000,
    recordLogin: options.recordLogin === true,
  });
  return { token, session: toSession(result.session), user: toUserRecord(result.user) };
}

/** Finds a live session and slides its idle expiry; a deactivated user's sessions answer user_inactive. */
export async function lookupSession(
  ctx: DirectoryContext,
  token: string,
  idleTtlSeconds: number,
): Promise<SessionLookup> {
  const tokenHash = hashToken(token);
  const result = await runScript<{ status: string; session?: RawSession; user?: RawUser }>(
    ctx.redis,
    ctx.keys.base,
    'lookup-session',
    { tokenHash, idleMs: idleTtlSeconds * 1000 },
  );
  if (result.status === 'ok' && result.session && result.user) {
    return { status: 'ok', session: toSession(result.session), user: toUserRecord(result.user), tokenHash };
  }
  return { status: result.status === 'user_inactive' ? 'user_inactive' : 'missing' };
}

export async function setSessionScope(ctx: DirectoryContext, tokenHash: string, scope: SessionScope): Promise<void> {
  await runScript(ctx.redis, ctx.keys.base, 'set-session-scope', { tokenHash, scope });
}

export async function revokeSession(ctx: DirectoryContext, tokenHash: string): Promise<boolean> {
  const result = await runScript<{ revoked: number }>(ctx.redis, ctx.keys.base, 'revoke-session', { tokenHash });
  return result.revoked === 1;
}

const DELETE_BATCH = 1000;

/**
 * Deletes the keys of the sessions a user may no longer use: all of them if the user is inactive
 * or gone, else those opened before endAllSessions() last ran. Batched, so Redis never blocks long;
 * `onBatch` reports progress. Answers how many were deleted. The session-revocation job runs it.
 */
export async function deleteEndedSessions(
  ctx: DirectoryContext,
  userId: string,
  onBatch?: (deletedSoFar: number) => Promise<void> | void,
): Promise<number> {
  let total = 0;
  let offset = 0;
  for (;;) {
    const result = await runScript<{ revoked: number; next: number; done: boolean }>(
      ctx.redis,
      ctx.keys.base,
      'delete-ended-sessions',
      {
        userId,
        offset,
        batch: DELETE_BATCH,
      },
    );
    total += result.revoked;
    offset = result.next;
    if (result.done) return total;
    await onBatch?.(total);
  }
}

/**
 * Makes every session of the user opened before now unusable at once (one stamp on the user),
 * except `keepTokenHash`; deleteEndedSessions() later deletes their keys.
 */
export async function endAllSessions(ctx: DirectoryContext, userId: string, keepTokenHash?: string): Promise<void> {
  await runScript(ctx.redis, ctx.keys.base, 'end-all-sessions', { userId, keep: keepTokenHash });
}
