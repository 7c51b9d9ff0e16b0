import type { DirectoryContext } from '../context.js';
import { runScriptReply } from '../scripts.js';
import { toUserRecord, type RawUser } from '../user-record.js';
import type { Status, UserRecord } from '../types.js';

/** The fields the hot render reads as bytes (user-render.ts renderStoredUser). */
export type StoredField = 'userName' | 'email' | 'externalId' | 'status' | 'createdAt' | 'updatedAt' | 'version';

/**
 * A user as SCIM's hot reads answer them (no session counts), with their groups (id,
 * displayName): the stored fields as the bytes Redis sent. The hot render reads those bytes
 * (`stored`, `scimBytes`); `user`, the record, is decoded only when something asks for it.
 */
export class ScimReadUser {
  private record: UserRecord | undefined;

  constructor(
    readonly id: string,
    private readonly values: readonly (Buffer | number | null | undefined)[],
    /** The stored SCIM JSON, as Redis sent it. */
    readonly scimBytes: Buffer | undefined,
    readonly groups: { id: string; displayName: string }[],
  ) {}

  /** A stored field's bytes, or undefined when the user has none. */
  stored(field: StoredField): Buffer | undefined {
    const value = this.values[FIELD_INDEX[field]];
    return Buffer.isBuffer(value) ? value : undefined;
  }

  get user(): UserRecord {
    if (!this.record) {
      const raw: RawUser = { id: this.id };
      FIELDS.forEach((field, i) => {
        const value = this.values[i];
        if (value !== null && value !== undefined) raw[field] = String(value);
      });
      if (this.scimBytes) raw.scim = this.scimBytes.toString('utf8');
      this.record = toUserRecord(raw);
    }
    return this.record;
  }
}

export interface ScimRead {
  users: ScimReadUser[];
  total: number;
}

// The fields scim-read-users.lua answers for each user, in its order (its FIELDS); `scim` last.
const FIELDS = [
  'name',
  'email',
  'userName',
  'externalId',
  'role',
  'status',
  'kind',
  'createdAt',
  'updatedAt',
  'version',
] as const;
const FIELD_INDEX = Object.fromEntries(FIELDS.map((field, i) => [field, i])) as Record<(typeof FIELDS)[number], number>;

type Reply = (Buffer | number | null)[];

/**
 * The script's flat reply, every string as its bytes: total, then per user id, FIELDS, scim, a
 * group count and that many id/displayName pairs. The bytes are kept as they came: the hot
 * render copies them into the answer, and nothing is decoded unless a record is asked for.
 */
function toRead(reply: Reply): ScimRead {
  const users: ScimReadUser[] = [];
  let at = 1;
  while (at < reply.length) {
    const id = String(reply[at++]);
    const values = reply.slice(at, at + FIELDS.length);
    at += FIELDS.length;
    const scimBytes = reply[at++];
    const count = Number(reply[at++]);
    const groups: ScimReadUser['groups'] = [];
    for (let i = 0; i < count; i++) {
      groups.push({ id: String(reply[at]), displayName: String(reply[at + 1]) });
      at += 2;
    }
    users.push(new ScimReadUser(id, values, Buffer.isBuffer(scimBytes) ? scimBytes : undefined, groups));
  }
  return { total: Number(reply[0]), users };
}

const read = async (ctx: DirectoryContext, payload: object) =>
  toRead(await runScriptReply<Reply>(ctx.redis, ctx.keys.base, 'scim-read-users', payload, { bytes: true }));

/**
 * SCIM's hot reads in one call each (scim-read-users.lua): the user holding a userName, or a page
 * by offset of the users SCIM manages (SSO users, optionally by status), with their groups.
 */
export const scimReadByUserName = (ctx: DirectoryContext, userName: string): Promise<ScimRead> =>
  read(ctx, { by: 'username', value: userName.normalize('NFC').trim().toLowerCase() });

export const scimReadPage = (
  ctx: DirectoryContext,
  query: { offset: number; count: number; status?: Status },
): Promise<ScimRead> =>
  read(ctx, {
    by: 'page',
    offset: Math.max(0, Math.trunc(query.offset)),
    count: Math.max(0, Math.trunc(query.count)),
    filter: ctx.keys.filterName({ status: query.status, kind: 'sso' }),
  });
