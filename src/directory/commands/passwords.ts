import type { DirectoryContext } from '../context.js';
import { runScript } from '../scripts.js';
import { toUserRecord, type RawUser } from '../user-record.js';
import { packPasswordHash } from '../password-codec.js';
import type { Actor, UserRecord } from '../types.js';

/** Replaces the hash; `mustChangePassword` marks a temporary password. */
export async function setPassword(
  ctx: DirectoryContext,
  userId: string,
  passwordHash: string,
  mustChangePassword: boolean,
  actor: Actor,
  options: { session?: string } = {},
): Promise<UserRecord> {
  const raw = await runScript<RawUser>(ctx.redis, ctx.keys.base, 'set-password', {
    id: userId,
    // A user's own change: refused (session_ended) if this session (its token hash) has ended.
    ...(options.session ? { session: options.session } : {}),
    ...packPasswordHash(passwordHash),
    mustChangePassword,
    actor: actor.actorId,
    source: actor.source,
    auditMax: ctx.auditMaxEvents,
  });
  return toUserRecord(raw);
}

/** Makes a user an SSO user bound to a SAML NameID, removing their password for good. */
export async function linkSso(
  ctx: DirectoryContext,
  userId: string,
  nameId: string,
  actor: Actor,
): Promise<UserRecord> {
  const raw = await runScript<RawUser>(ctx.redis, ctx.keys.base, 'link-sso', {
    id: userId,
    nameId,
    actor: actor.actorId,
    source: actor.source,
    auditMax: ctx.auditMaxEvents,
  });
  return toUserRecord(raw);
}
