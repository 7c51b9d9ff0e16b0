import type { DirectoryContext } from '../context.js';

export interface AuditEvent {
  id: string;
  at: Date;
  actor: string | null;
  source: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

function toEvent([id, flat]: [string, string[]]): AuditEvent {
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
    source: f.source ?? 'system',
    action: f.action ?? '',
    target: f.target ?? '',
    details: Array.isArray(details) ? {} : details,
  };
}

/** Events newest first; `before` is the id of the last event of the previous page. */
export async function listAudit(
  ctx: DirectoryContext,
  options: { before?: string; limit: number },
): Promise<{ events: AuditEvent[]; nextCursor: string | null }> {
  const end = options.before ? `(${options.before}` : '+';
  const rows = (await ctx.redis.xrevrange(ctx.keys.audit, end, '-', 'COUNT', options.limit + 1)) as [
    string,
    string[],
  ][];
  const events = rows.slice(0, options.limit).map(toEvent);
  const nextCursor = rows.length > options.limit ? events[events.length - 1]!.id : null;
  return { events, nextCursor };
}
