import type { DirectoryContext } from '../context.js';
import { runScript } from '../scripts.js';
import { DirectoryError } from '../errors.js';
import { toUserRecord, type RawUser } from '../user-record.js';
import type { ListQuery, UserPage } from '../types.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../page-size.js';

// A cursor is the creation sequence of the last user on the page, opaque to clients.
const encodeCursor = (seq: number) => Buffer.from(`s${seq}`).toString('base64url');

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const match = /^s(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new DirectoryError('invalid_cursor', 'cursor is not one this service issued');
  return Number(match[1]);
}

/** One page of users in creation order, filtered by status, role and a name/email prefix. */
export async function listUsers(ctx: DirectoryContext, query: ListQuery = {}): Promise<UserPage> {
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
  const payload = {
    filter: ctx.keys.filterName({ status: query.status, role: query.role }),
    after: decodeCursor(query.cursor),
    limit,
    q: query.q?.normalize('NFC').trim().toLowerCase(),
  };
  const script = payload.q ? 'search-users' : 'list-users';
  const page = await runScript<{ users: RawUser[] | Record<string, never>; total: number; next?: number }>(
    ctx.redis,
    ctx.keys.base,
    script,
    payload,
  );
  // cjson answers an empty Lua table as {}.
  const users = Array.isArray(page.users) ? page.users.map(toUserRecord) : [];
  return { users, total: page.total, nextCursor: page.next === undefined ? null : encodeCursor(Number(page.next)) };
}
