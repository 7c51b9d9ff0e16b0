import { Cluster, type Redis } from 'ioredis';
import type { DirectoryContext } from '../context.js';

// The doctor's part for groups (`rune-directory doctor`, doctor.ts): every index of the groups
// agrees with the group hashes, and each membership is in both sets (the group's members and the
// user's reverse index), of a user SCIM manages. It scans: an operator's tool, never on a request.

export interface GroupMismatch {
  kind: string;
  key: string;
  member: string;
  detail: string;
}

const BATCH = 1000;

async function scanKeys(redis: DirectoryContext['redis'], pattern: string): Promise<string[]> {
  const nodes: Redis[] = redis instanceof Cluster ? redis.nodes('master') : [redis as Redis];
  const found = new Set<string>();
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', BATCH);
      cursor = next;
      for (const key of keys) found.add(key);
    } while (cursor !== '0');
  }
  return [...found];
}

async function setMembers(redis: DirectoryContext['redis'], key: string): Promise<string[]> {
  const members: string[] = [];
  let cursor = '0';
  do {
    const [next, page] = await redis.sscan(key, cursor, 'COUNT', BATCH);
    cursor = next;
    members.push(...page);
  } while (cursor !== '0');
  return members;
}

export async function checkGroupIndexes(ctx: DirectoryContext): Promise<GroupMismatch[]> {
  const { redis, keys } = ctx;
  const out: GroupMismatch[] = [];
  const report = (kind: string, key: string, member: string, detail: string) => out.push({ kind, key, member, detail });

  const groupKey = new RegExp(`^${keys.group('').replace(/[{}]/g, '\\$&')}([^:]+)$`);
  const groups = new Map<string, Record<string, string>>();
  for (const key of await scanKeys(redis, keys.group('*'))) {
    const id = groupKey.exec(key)?.[1];
    if (id) groups.set(id, await redis.hgetall(key));
  }

  const listed = await redis.zrange(keys.groups, 0, -1, 'WITHSCORES');
  const listedIds = new Set<string>();
  for (let i = 0; i < listed.length; i += 2) {
    const [id, seq] = [listed[i]!, listed[i + 1]!];
    listedIds.add(id);
    const group = groups.get(id);
    if (!group) report('dangling-group-list', keys.groups, id, 'no such group');
    else if (group.seq !== seq)
      report('stale-group-list', keys.groups, id, `listed at ${seq}, sequence is ${group.seq}`);
  }
  for (const id of groups.keys()) if (!listedIds.has(id)) report('missing-group-list', keys.groups, id, 'not listed');

  const names = await redis.hgetall(keys.groupNameIndex);
  for (const [name, id] of Object.entries(names))
    if (groups.get(id)?.nameKey !== name)
      report('stale-group-name', keys.groupNameIndex, name, `points at ${id}, which is not so named`);
  for (const [id, group] of groups)
    if (group.nameKey === undefined || names[group.nameKey] !== id)
      report('missing-group-name', keys.groupNameIndex, group.nameKey ?? '', `group ${id} is not indexed`);

  const externalPrefix = keys.groupExternalIdSet('');
  for (const key of await scanKeys(redis, keys.groupExternalIdSet('*'))) {
    const value = key.slice(externalPrefix.length);
    for (const id of await redis.smembers(key))
      if (groups.get(id)?.externalId !== value)
        report('stale-group-externalid', key, id, 'group has another externalId');
  }
  for (const [id, group] of groups)
    if (group.externalId !== undefined && !(await redis.sismember(keys.groupExternalIdSet(group.externalId), id)))
      report('missing-group-externalid', keys.groupExternalIdSet(group.externalId), id, 'group is not indexed');

  // Each membership in both directions, of an SSO user.
  for (const id of groups.keys()) {
    const members = await setMembers(redis, keys.groupMembers(id));
    for (let i = 0; i < members.length; i += BATCH) {
      const batch = members.slice(i, i + BATCH);
      const pipeline = redis.pipeline();
      for (const uid of batch) {
        pipeline.sismember(keys.userGroups(uid), id);
        pipeline.hget(keys.user(uid), 'kind');
      }
      const results = (await pipeline.exec()) ?? [];
      batch.forEach((uid, j) => {
        if (results[2 * j]?.[1] !== 1)
          report('missing-user-groups', keys.userGroups(uid), id, 'member without its reverse entry');
        if (results[2 * j + 1]?.[1] !== 'sso')
          report('member-not-sso', keys.groupMembers(id), uid, 'member is no SSO user');
      });
    }
  }
  const reverseKey = /:user:([^:]+):groups$/;
  for (const key of await scanKeys(redis, keys.userGroups('*'))) {
    const uid = reverseKey.exec(key)?.[1];
    if (!uid) continue;
    for (const id of await redis.smembers(key))
      if (!groups.has(id) || !(await redis.sismember(keys.groupMembers(id), uid)))
        report('stale-user-groups', key, id, 'reverse entry of no membership');
  }
  for (const id of Object.keys(await redis.hgetall(keys.adminGroups)))
    if (!groups.has(id)) report('dangling-admin-group', keys.adminGroups, id, 'no such group');
  return out;
}
