import type { DirectoryContext } from '../context.js';
import { runScript } from '../scripts.js';
import { toUserRecord, type RawUser } from '../user-record.js';
import type { Actor, UserRecord } from '../types.js';

/**
 * Hands a password user over to the identity provider (DESIGN.md rule 8): no password any more,
 * kind `sso` so SCIM may take them over, every session ended at once. Refused with already_sso.
 */
export async function convertToSso(ctx: DirectoryContext, userId: string, actor: Actor): Promise<UserRecord> {
  const raw = await runScript<RawUser>(ctx.redis, ctx.keys.base, 'convert-to-sso', {
    id: userId,
    actor: actor.actorId,
    source: actor.source,
    auditMax: ctx.auditMaxEvents,
  });
  return toUserRecord(raw);
}
