import type { DirectoryContext } from '../context.js';
import { runScript } from '../scripts.js';
import { toUserRecord, type RawUser } from '../user-record.js';
import type { Actor, UserRecord } from '../types.js';

export interface StatusChange {
  user: UserRecord;
  /** False when the user already had that status: the call changed nothing. */
  changed: boolean;
}

async function setStatus(
  ctx: DirectoryContext,
  script: 'deactivate-user' | 'activate-user',
  id: string,
  actor: Actor,
): Promise<StatusChange> {
  const result = await runScript<{ user: RawUser; changed: boolean }>(ctx.redis, ctx.keys.base, script, {
    id,
    actor: actor.actorId,
    actorName: actor.actorName,
    source: actor.source,
    auditMax: ctx.auditMaxEvents,
  });
  return { user: toUserRecord(result.user), changed: result.changed };
}

/** Refuses the actor themselves and the last active admin; idempotent. */
export const deactivateUser = (ctx: DirectoryContext, id: string, actor: Actor) =>
  setStatus(ctx, 'deactivate-user', id, actor);

/** Idempotent. */
export const activateUser = (ctx: DirectoryContext, id: string, actor: Actor) =>
  setStatus(ctx, 'activate-user', id, actor);
