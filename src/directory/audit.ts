import type { DirectoryContext } from './context.js';
import type { Actor } from './types.js';

// The audit trail: a capped stream. Scripts append their own events in the same step as
// the change; this module appends the events that change no user record (queries/list-audit.ts reads).

export type { AuditEvent } from './queries/list-audit.js';

export async function appendAudit(
  ctx: DirectoryContext,
  actor: Actor,
  action: string,
  target: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  await ctx.redis.xadd(
    ctx.keys.audit,
    'MAXLEN',
    '~',
    String(ctx.auditMaxEvents),
    '*',
    'at',
    String(Date.now()),
    'actor',
    actor.actorId ?? '',
    'source',
    actor.source,
    'action',
    action,
    'target',
    target,
    'details',
    JSON.stringify(details),
    // Who the actor is when it is no user (an IdP's SCIM token): its name, as the scripts record it.
    ...(actor.actorName ? ['actorName', actor.actorName] : []),
  );
}
