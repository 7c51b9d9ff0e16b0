import { randomUUID } from 'node:crypto';
import type { DirectoryContext } from '../context.js';
import { defineScripts, runScript } from '../scripts.js';
import type { GroupChange, GroupRecord, GroupRef, GroupWriteOptions } from './types.js';

// SCIM groups in the directory: commands (create, change, delete) run one atomic script each;
// reads never load a big group whole (members are read up to a cap). Keys: keys.ts.

type Raw = Record<string, unknown>;

const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
const lower = (value: string) => value.normalize('NFC').toLowerCase();

function toGroup(raw: Raw): GroupRecord {
  const ids = list<string>(raw.memberIds);
  const names = list<string>(raw.memberNames);
  return {
    id: String(raw.id),
    displayName: String(raw.displayName),
    externalId: raw.externalId === undefined ? undefined : String(raw.externalId),
    version: Number(raw.version),
    createdAt: new Date(Number(raw.createdAt)),
    updatedAt: new Date(Number(raw.updatedAt)),
    seq: Number(raw.seq ?? 0),
    members: Number(raw.members ?? 0),
    ...(raw.memberIds === undefined ? {} : { memberList: ids.map((id, i) => ({ id, name: names[i] ?? '' })) }),
    ...(raw.matched === undefined ? {} : { matched: list<string>(raw.matched) }),
  };
}

export class Groups {
  constructor(private readonly ctx: DirectoryContext) {
    defineScripts(ctx.redis);
  }

  private payload(options: GroupWriteOptions) {
    return {
      ifMatch: options.ifMatch?.map(String),
      adminNames: options.adminGroups.map(lower),
      adminRoles: options.adminRoles.map(lower),
      actor: options.actor.actorId,
      actorName: options.actor.actorName,
      source: options.actor.source,
      auditMax: this.ctx.auditMaxEvents,
    };
  }

  private write(id: string, create: boolean, change: GroupChange, options: GroupWriteOptions) {
    return runScript<Raw>(this.ctx.redis, this.ctx.keys.base, 'group-write', {
      ...this.payload(options),
      id,
      create,
      displayName: change.displayName,
      nameKey: change.displayName === undefined ? undefined : lower(change.displayName),
      externalId: change.externalId,
      externalIdKey: change.externalId ? lower(change.externalId) : undefined,
      add: change.add,
      remove: change.remove,
      replace: change.replace,
    }).then(toGroup);
  }

  /** A new group (displayName required); refuses group_name_taken and group_member_invalid. */
  create = (change: GroupChange & { displayName: string }, options: GroupWriteOptions) =>
    this.write(randomUUID(), true, { ...change, replace: change.replace ?? [] }, options);

  /** One atomic change; refuses not_found, version_mismatch, group_name_taken, group_member_invalid. */
  change = (id: string, change: GroupChange, options: GroupWriteOptions) => this.write(id, false, change, options);

  delete = (id: string, options: GroupWriteOptions) =>
    runScript<{ members: number }>(this.ctx.redis, this.ctx.keys.base, 'group-delete', {
      ...this.payload(options),
      id,
    });

  /** Groups by id, in that order (missing ones left out); members up to `memberCap` when asked. */
  async read(ids: string[], options: { memberCap?: number; check?: string[] } = {}): Promise<GroupRecord[]> {
    if (ids.length === 0) return [];
    const raw = await runScript<Raw[]>(this.ctx.redis, this.ctx.keys.base, 'group-read', {
      ids,
      members: options.memberCap !== undefined,
      cap: options.memberCap ?? 0,
      check: options.check,
    });
    return list<Raw>(raw).map(toGroup);
  }

  private lookup = (by: string, extra: object) =>
    runScript<{ ids: unknown; total?: number }>(this.ctx.redis, this.ctx.keys.base, 'group-lookup', {
      by,
      ...extra,
    });

  idsByName = async (displayName: string) =>
    list<string>((await this.lookup('name', { value: lower(displayName) })).ids);
  idsByExternalId = async (externalId: string) =>
    list<string>((await this.lookup('externalId', { value: externalId })).ids);
  idsOfMember = async (userId: string) => list<string>((await this.lookup('member', { value: userId })).ids);
  async page(offset: number, count: number): Promise<{ ids: string[]; total: number }> {
    const result = await this.lookup('page', { offset, count });
    return { ids: list<string>(result.ids), total: Number(result.total ?? 0) };
  }

  /** Whether a group SCIM_ADMIN_GROUPS names holds the user (for a /Users write that recomputes the role). */
  async inAdminGroup(userId: string, adminGroups: readonly string[]): Promise<boolean> {
    if (adminGroups.length === 0) return false;
    const result = await runScript<{ admin: boolean }>(this.ctx.redis, this.ctx.keys.base, 'group-lookup', {
      by: 'inAdminGroup',
      value: userId,
      adminNames: adminGroups.map(lower),
    });
    return result.admin === true;
  }

  /** Each user's groups (id and displayName), read at once: a rename shows at the next read. */
  async ofUsers(userIds: string[]): Promise<GroupRef[][]> {
    if (userIds.length === 0) return [];
    const raw = await runScript<unknown[]>(this.ctx.redis, this.ctx.keys.base, 'group-lookup', {
      by: 'ofUsers',
      users: userIds,
    });
    return userIds.map((_, i) =>
      list<[string, string]>(list<unknown>(raw)[i]).map(([id, displayName]) => ({ id, displayName })),
    );
  }

  /** Bytes Redis uses for a group's member set and the reverse index entries of `userIds` (MEMORY USAGE). */
  async memoryOf(groupId: string, userIds: string[]): Promise<number> {
    const keys = [this.ctx.keys.groupMembers(groupId), ...userIds.map((id) => this.ctx.keys.userGroups(id))];
    let total = 0;
    for (let i = 0; i < keys.length; i += 1000) {
      const pipeline = this.ctx.redis.pipeline();
      for (const key of keys.slice(i, i + 1000)) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
      for (const [, bytes] of (await pipeline.exec()) ?? []) total += Number(bytes ?? 0);
    }
    return total;
  }
}
