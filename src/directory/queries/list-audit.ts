import type { DirectoryContext } from '../context.js';

export interface AuditEvent {
  id: string;
  at: Date;
  actor: string | null;
  /** The actor in words: the user's name, or an IdP's SCIM token's name; null when unknown (a deleted user, the system). */
  actorName: string | null;
  source: string;
  action: string;
  target: string;
  /** The target in words: the user's (or SCIM token's) name; null when no longer known. */
  targetName: string | null;
  details: Record<string, unknown>;
}

type Row = [string, string[]];

function toEvent([id, flat]: Row): AuditEvent {
  const f: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
  let details: Record<string, unknown>;
  try {
    details = JSON.parse(f.details ?? '{}') as Record<string, unknown>;
  } catch {
    details = {};
  }
  return {
    id,
    at: new Date(Number(f.at)),
    actor: f.actor ? f.actor : null,
    actorName: f.actorName ? f.actorName : null,
    source: f.source ?? 'system',
    action: f.action ?? '',
    target: f.target ?? '',
    targetName: f.targetName ? f.targetName : null,
    details: details && typeof details === 'object' && !Array.isArray(details) ? details : {},
  };
}

const nameIn = (details: Record<string, unknown>): string | undefined =>
  typeof details.name === 'string' && details.name !== '' ? details.name : undefined;

/**
 * Fills in the names an event did not record, so the trail reads in words: a user's name as it is
 * now (one pipelined HGET per distinct id of the page); for a user or SCIM token that is gone, the
 * name another event of the page recorded for it (a creation's or deletion's details).
 */
async function withNames(ctx: DirectoryContext, events: AuditEvent[]): Promise<AuditEvent[]> {
  const recorded = new Map<string, string>();
  for (const e of events) {
    const name = nameIn(e.details);
    if (name && e.target && !recorded.has(e.target)) recorded.set(e.target, name);
    if (e.targetName && e.target) recorded.set(e.target, e.targetName);
  }
  const ids = new Set<string>();
  for (const e of events) {
    if (e.actor && !e.actorName) ids.add(e.actor);
    if (e.target && !e.targetName) ids.add(e.target);
  }
  const current = new Map<string, string>();
  if (ids.size > 0) {
    const pipeline = ctx.redis.pipeline();
    const list = [...ids];
    for (const id of list) pipeline.hget(ctx.keys.user(id), 'name');
    const replies = (await pipeline.exec()) ?? [];
    list.forEach((id, i) => {
      const [error, name] = replies[i] ?? [];
      if (!error && typeof name === 'string' && name !== '') current.set(id, name);
    });
  }
  const known = (id: string | null) => (id ? (current.get(id) ?? recorded.get(id) ?? null) : null);
  return events.map((e) => ({
    ...e,
    actorName: e.actorName ?? known(e.actor),
    targetName: e.targetName ?? known(e.target),
  }));
}

/** Events newest first; `before` is the id of the last event of the previous page. */
export async function listAudit(
  ctx: DirectoryContext,
  options: { before?: string; limit: number },
): Promise<{ events: AuditEvent[]; nextCursor: string | null }> {
  const end = options.before ? `(${options.before}` : '+';
  const rows = (await ctx.redis.xrevrange(ctx.keys.audit, end, '-', 'COUNT', options.limit + 1)) as Row[];
  const events = await withNames(ctx, rows.slice(0, options.limit).map(toEvent));
  const nextCursor = rows.length > options.limit ? events[events.length - 1]!.id : null;
  return { events, nextCursor };
}
