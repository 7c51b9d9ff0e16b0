import type { DirectoryContext } from '../context.js';
import { runScript } from '../scripts.js';
import { toUserRecord, type RawUser } from '../user-record.js';
import type { Role, Status, UserRecord } from '../types.js';

export interface OffsetPage {
  users: UserRecord[];
  total: number;
}

/**
 * Users by offset in creation order (SCIM startIndex/count); a deep offset costs what the first does.
 * `kind: 'sso'` keeps to the users SCIM manages, alone or with a status.
 */
export async function pageUsers(
  ctx: DirectoryContext,
  query: { offset: number; count: number; status?: Status; role?: Role; kind?: 'sso' },
): Promise<OffsetPage> {
  const page = await runScript<{ users: RawUser[] | Record<string, never>; total: number }>(
    ctx.redis,
    ctx.keys.base,
    'page-users',
    {
      offset: Math.max(0, Math.trunc(query.offset)),
      count: Math.max(0, Math.trunc(query.count)),
      filter: ctx.keys.filterName({ status: query.status, role: query.role, kind: query.kind }),
    },
  );
  return { users: Array.isArray(page.users) ? page.users.map(toUserRecord) : [], total: page.total };
}
