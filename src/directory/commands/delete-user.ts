import type { DirectoryContext } from '../context.js';
import { runScript } from '../scripts.js';
import type { Actor } from '../types.js';

/** Refuses the actor, the last active admin, and a user with live sessions. */
export async function deleteUser(ctx: DirectoryContext, id: string, actor: Actor): Promise<void> {
  await runScript(ctx.redis, ctx.keys.base, 'delete-user', {
    id,
    actor: actor.actorId,
    source: actor.source,
    auditMax: ctx.auditMaxEvents,
  });
}
