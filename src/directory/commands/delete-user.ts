import type { DirectoryContext } from '../context.js';
import { runScript } from '../scripts.js';
import type { Actor } from '../types.js';

export interface DeleteOptions {
  /**
   * A SCIM DELETE (the IdP's explicit intent): delete the user even while signed in, their
   * sessions ending with the record, instead of refusing active_sessions.
   */
  evenIfSignedIn?: boolean;
}

export interface DeletedUser {
  /** Sessions still unexpired when the user was deleted: dead, but their keys await the clean-up job. */
  sessionsLeft: number;
}

/**
 * Refuses the actor and the last active admin; refuses an active user with live sessions
 * (active_sessions) unless `evenIfSignedIn`.
 */
export async function deleteUser(
  ctx: DirectoryContext,
  id: string,
  actor: Actor,
  options: DeleteOptions = {},
): Promise<DeletedUser> {
  const result = await runScript<{ sessionsLeft: number }>(ctx.redis, ctx.keys.base, 'delete-user', {
    id,
    evenIfSignedIn: options.evenIfSignedIn === true,
    actor: actor.actorId,
    actorName: actor.actorName,
    source: actor.source,
    auditMax: ctx.auditMaxEvents,
  });
  return { sessionsLeft: result.sessionsLeft };
}
