import { Cluster, type Redis } from 'ioredis';
import type { DirectoryContext } from './context.js';
import { ROLES, STATUSES } from './types.js';
import { asciiLower } from './normalize.js';
import { checkGroupIndexes } from './groups/doctor.js';

// Checks that every index agrees with the user records. It scans, so it is an operator's
// tool (`rune-directory doctor`), never used on a request path.

export interface Mismatch {
  kind: string;
  key: string;
  member: string;
  detail: string;
}

const USER_KEY = /:user:([^:]+)$/;

function indexValue(
  user: Record<string, string>,
  field: 'email' | 'userName' | 'externalId' | 'nameId',
): string | undefined {
  const value = user[field];
  if (value === undefined) return undefined;
  return field === 'email' || field === 'nameId' ? value : (user[`${field}Key`] ?? asciiLower(value));
}

function searchMembers(user: Record<string, string>): string[] {
  const lname = user.nameKey ?? asciiLower(user.name!);
  return [...new Set([lname, user.email].filter((t): t is string => t !== undefined))].map(
    (term) => `${term}\0${user.seq}`,
  );
}

function filterNames(): string[] {
  return [
    ...STATUSES,
    ...ROLES,
    ...STATUSES.flatMap((s) => ROLES.map((r) => `${s}:${r}`)),
    'sso',
    ...STATUSES.map((s) => `${s}:sso`),
  ];
}

const matchesFilter = (user: Record<string, string>, filter: string) =>
  filter.split(':').every((part) => part === user.status || part === user.role || part === user.kind);

function setBits(bitmap: Buffer | null): Set<number> {
  const bits = new Set<number>();
  if (!bitmap) return bits;
  bitmap.forEach((byte, i) => {
    for (let b = 0; b < 8; b++) if (byte & (0x80 >> b)) bits.add(i * 8 + b);
  });
  return bits;
}

// On a cluster SCAN walks one node; the directory's keys share a slot, so ask every master.
function scanTargets(redis: DirectoryContext['redis']): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

async function scanUsers(ctx: DirectoryContext): Promise<Map<string, Record<string, string>>> {
  const users = new Map<string, Record<string, string>>();
  for (const node of scanTargets(ctx.redis)) await scanNode(ctx, node, users);
  return users;
}

async function scanNode(ctx: DirectoryContext, node: Redis, users: Map<string, Record<string, string>>): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', ctx.keys.user('*'), 'COUNT', 1000);
    cursor = next;
    const userKeys = keys.filter((key) => USER_KEY.test(key));
    const pipeline = ctx.redis.pipeline();
    for (const key of userKeys) pipeline.hgetall(key);
    const results = (await pipeline.exec()) ?? [];
    userKeys.forEach((key, i) => users.set(USER_KEY.exec(key)![1]!, results[i]![1] as Record<string, string>));
  } while (cursor !== '0');
}

export async function checkIndexes(ctx: DirectoryContext): Promise<{ users: number; mismatches: Mismatch[] }> {
  const { redis, keys } = ctx;
  const users = await scanUsers(ctx);
  const mismatches: Mismatch[] = [];
  const report = (kind: string, key: string, member: string, detail: string) =>
    mismatches.push({ kind, key, member, detail });

  // Each index entry points at a user whose value it is.
  const indexes = [
    ['email', 'email'],
    ['username', 'userName'],
    ['nameid', 'nameId'],
  ] as const;
  for (const [index, field] of indexes) {
    const key = keys.index(index);
    const entries = await redis.hgetall(key);
    for (const [value, id] of Object.entries(entries)) {
      const user = users.get(id);
      if (!user) report('dangling-index', key, value, `points at missing user ${id}`);
      else if (indexValue(user, field) !== value)
        report('stale-index', key, value, `user ${id} has ${field} ${user[field]}`);
    }
    for (const [id, user] of users) {
      const value = indexValue(user, field);
      if (value !== undefined && entries[value] !== id)
        report('missing-index', key, value, `user ${id} is not indexed`);
    }
  }

  // Each user is in the externalId set of their externalId (sets: they need not be unique).
  for (const [id, user] of users) {
    const value = indexValue(user, 'externalId');
    if (value === undefined) continue;
    const key = keys.externalIdSet(value);
    if ((await redis.sismember(key, id)) !== 1) report('missing-index', key, id, 'user is not indexed');
  }

  // Every user is in `users` under their sequence, and in exactly the filters they match.
  const listed = await redis.zrange(keys.users, 0, -1, 'WITHSCORES');
  const bySeq = new Map<number, string>();
  for (let i = 0; i < listed.length; i += 2) {
    const [id, seq] = [listed[i]!, Number(listed[i + 1])];
    bySeq.set(seq, id);
    const user = users.get(id);
    if (!user) report('dangling-list', keys.users, id, 'no such user');
    else if (Number(user.seq) !== seq)
      report('stale-list', keys.users, id, `listed at ${seq}, sequence is ${user.seq}`);
  }
  for (const [id, user] of users) {
    if (bySeq.get(Number(user.seq)) !== id) report('missing-list', keys.users, id, 'user is not listed');
  }
  for (const filter of filterNames()) {
    const key = keys.bits(filter);
    const bits = setBits(await redis.getBuffer(key));
    for (const [id, user] of users) {
      const expected = matchesFilter(user, filter);
      const seq = Number(user.seq);
      if (expected && !bits.has(seq))
        report('missing-filter', key, id, `user is ${user.status} ${user.role} ${user.kind}`);
      if (!expected && bits.has(seq))
        report('stale-filter', key, id, `user is ${user.status} ${user.role} ${user.kind}`);
      bits.delete(seq);
    }
    for (const seq of bits) report('dangling-filter', key, String(seq), 'no user has this sequence');
  }

  const admins = new Set(await redis.smembers(keys.activeAdmins));
  for (const [id, user] of users) {
    const isActiveAdmin = user.status === 'active' && user.role === 'admin';
    if (isActiveAdmin !== admins.has(id))
      report('active-admins', keys.activeAdmins, id, `user is ${user.status} ${user.role}`);
  }
  for (const id of admins) if (!users.has(id)) report('active-admins', keys.activeAdmins, id, 'no such user');

  const search = new Set(await redis.zrange(keys.search, 0, -1));
  const expectedSearch = new Set<string>();
  for (const user of users.values()) for (const member of searchMembers(user)) expectedSearch.add(member);
  for (const member of expectedSearch)
    if (!search.has(member)) report('missing-search', keys.search, member, 'term not indexed');
  for (const member of search)
    if (!expectedSearch.has(member)) report('stale-search', keys.search, member, 'term of no user');

  // Groups: their indexes, and each membership in both sets (groups/doctor.ts).
  mismatches.push(...(await checkGroupIndexes(ctx)));

  return { users: users.size, mismatches };
}
