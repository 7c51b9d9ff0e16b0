import type { DirectoryContext } from './context.js';
import { ROLES, STATUSES } from './types.js';

// Checks that every index agrees with the user records. It scans, so it is an operator's
// tool (`rune-directory doctor`), never used on a request path.

export interface Mismatch {
  kind: string;
  key: string;
  member: string;
  detail: string;
}

const USER_KEY = /:user:([^:]+)$/;

function lowerKey(user: Record<string, string>, field: string): string | undefined {
  const value = user[field];
  if (value === undefined) return undefined;
  return user[`${field}Key`] ?? value.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

function searchTerms(user: Record<string, string>): string[] {
  const lname = user.nameKey ?? user.name!.replace(/[A-Z]+/g, (run) => run.toLowerCase());
  const words = lname.split(/[ \t\n\r\f\v]+/).filter(Boolean);
  return [...new Set([user.email!, lname, ...words.slice(1)])].filter(Boolean);
}

async function scanUsers(ctx: DirectoryContext): Promise<Map<string, Record<string, string>>> {
  const users = new Map<string, Record<string, string>>();
  let cursor = '0';
  do {
    const [next, keys] = await ctx.redis.scan(cursor, 'MATCH', ctx.keys.user('*'), 'COUNT', 1000);
    cursor = next;
    const userKeys = keys.filter((key) => USER_KEY.test(key));
    const pipeline = ctx.redis.pipeline();
    for (const key of userKeys) pipeline.hgetall(key);
    const results = (await pipeline.exec()) ?? [];
    userKeys.forEach((key, i) => users.set(USER_KEY.exec(key)![1]!, results[i]![1] as Record<string, string>));
  } while (cursor !== '0');
  return users;
}

export async function checkIndexes(ctx: DirectoryContext): Promise<{ users: number; mismatches: Mismatch[] }> {
  const { redis, keys } = ctx;
  const users = await scanUsers(ctx);
  const mismatches: Mismatch[] = [];
  const report = (kind: string, key: string, member: string, detail: string) => mismatches.push({ kind, key, member, detail });

  // Each index entry points at a user whose value it is.
  const indexes = [
    ['email', 'email'],
    ['username', 'userName'],
    ['externalid', 'externalId'],
  ] as const;
  for (const [index, field] of indexes) {
    const key = keys.index(index);
    const entries = await redis.hgetall(key);
    for (const [value, id] of Object.entries(entries)) {
      const user = users.get(id);
      if (!user) report('dangling-index', key, value, `points at missing user ${id}`);
      else if (lowerKey(user, field) !== value) report('stale-index', key, value, `user ${id} has ${field} ${user[field]}`);
    }
    for (const [id, user] of users) {
      const value = lowerKey(user, field);
      if (value !== undefined && entries[value] !== id) report('missing-index', key, value, `user ${id} is not indexed`);
    }
  }

  // Each user is in exactly the lists its status and role say.
  const listKeys = ['users', ...STATUSES.map((s) => `users:${s}`), ...ROLES.map((r) => `users:${r}`),
    ...STATUSES.flatMap((s) => ROLES.map((r) => `users:${s}:${r}`))];
  for (const suffix of listKeys) {
    const key = `${keys.base}:${suffix}`;
    const members = new Set(await redis.zrange(key, 0, -1));
    for (const id of members) {
      if (!users.has(id)) report('dangling-list', key, id, 'no such user');
    }
    for (const [id, user] of users) {
      const expected = keys.listSuffix({}) === suffix
        || [`users:${user.status}`, `users:${user.role}`, `users:${user.status}:${user.role}`].includes(suffix);
      if (expected && !members.has(id)) report('missing-list', key, id, `user is ${user.status} ${user.role}`);
      if (!expected && members.has(id)) report('stale-list', key, id, `user is ${user.status} ${user.role}`);
    }
  }

  const admins = new Set(await redis.smembers(keys.activeAdmins));
  for (const [id, user] of users) {
    const isActiveAdmin = user.status === 'active' && user.role === 'admin';
    if (isActiveAdmin !== admins.has(id)) report('active-admins', keys.activeAdmins, id, `user is ${user.status} ${user.role}`);
  }
  for (const id of admins) if (!users.has(id)) report('active-admins', keys.activeAdmins, id, 'no such user');

  const search = new Set(await redis.zrange(keys.search, 0, -1));
  const expectedSearch = new Set<string>();
  for (const [id, user] of users) for (const term of searchTerms(user)) expectedSearch.add(`${term}\0${id}`);
  for (const member of expectedSearch) if (!search.has(member)) report('missing-search', keys.search, member, 'term not indexed');
  for (const member of search) if (!expectedSearch.has(member)) report('stale-search', keys.search, member, 'term of no user');

  return { users: users.size, mismatches };
}
