import type { DirectoryContext } from '../context.js';
import { runScriptReply } from '../scripts.js';
import { toUserRecord, type RawUser } from '../user-record.js';
import type { Status, UserRecord } from '../types.js';

/** The fields the hot render reads as bytes (user-render.ts renderStoredList). */
export type StoredField = 'userName' | 'email' | 'externalId' | 'status' | 'createdAt' | 'updatedAt' | 'version';

/**
 * A user as SCIM's hot reads answer them (no session counts), with their groups (id,
 * displayName): the stored fields as the bytes Redis sent. The hot render reads those bytes
 * (`stored`, `scimBytes`); `user`, the record, is decoded only when something asks for it, and
 * only a read that asked for records (or a user with no stored SCIM JSON) can answer it.
 */
export class ScimReadUser {
  private record: UserRecord | undefined;

  /** `values[from…from+sent)`: the FIELDS' values in order, the RECORD ones only when the read has them. */
  constructor(
    /** The user's id, as Redis sent it. */
    readonly idBytes: Buffer,
    private readonly values: readonly (Buffer | number | null | undefined)[],
    private readonly from: number,
    private readonly sent: number,
    readonly groups: { id: string; displayName: string }[],
  ) {}

  get id(): string {
    return this.idBytes.toString('latin1');
  }

  /** A stored field's bytes, or undefined when the user has none. */
  stored(field: StoredField | 'scim'): Buffer | undefined {
    const value = this.values[this.from + FIELD_INDEX[field]];
    return Buffer.isBuffer(value) ? value : undefined;
  }

  /** The stored SCIM JSON, as Redis sent it. */
  get scimBytes(): Buffer | undefined {
    return this.stored('scim');
  }

  get user(): UserRecord {
    if (!this.record) {
      if (this.sent < FIELDS.length)
        throw new Error('this SCIM read answered only the rendered fields: read with records to decode a user');
      const raw: RawUser = { id: this.id };
      FIELDS.forEach((field, i) => {
        const value = this.values[this.from + i];
        if (value !== null && value !== undefined) raw[field] = Buffer.isBuffer(value) ? value.toString('utf8') : value;
      });
      this.record = toUserRecord(raw);
    }
    return this.record;
  }
}

export interface ScimRead {
  users: ScimReadUser[];
  total: number;
}

// The fields scim-read-users.lua answers for each user, in its order: its RENDERED, then its RECORD.
const FIELDS = [
  ...(['userName', 'email', 'externalId', 'status', 'createdAt', 'updatedAt', 'version', 'scim'] as const),
  ...(['name', 'role', 'kind'] as const),
];
const FIELD_INDEX = Object.fromEntries(FIELDS.map((field, i) => [field, i])) as Record<(typeof FIELDS)[number], number>;

type Reply = (Buffer | number | null)[];

/**
 * The script's flat reply, every string as its bytes: total, then per user id, how many field
 * values follow, those (RENDERED, then RECORD when sent), a group count and that many
 * id/displayName pairs. The bytes are kept as they came: the hot render copies them into the
 * answer, and nothing is decoded unless a record is asked for.
 */
function toRead(reply: Reply): ScimRead {
  const users: ScimReadUser[] = [];
  let at = 1;
  while (at < reply.length) {
    const id = reply[at++] as Buffer;
    const sent = Number(reply[at++]);
    const from = at;
    at += sent;
    const count = Number(reply[at++]);
    const groups: ScimReadUser['groups'] = [];
    for (let i = 0; i < count; i++) {
      groups.push({ id: String(reply[at]), displayName: String(reply[at + 1]) });
      at += 2;
    }
    users.push(new ScimReadUser(id, reply, from, sent, groups));
  }
  return { total: Number(reply[0]), users };
}

const read = async (ctx: DirectoryContext, payload: object) =>
  toRead(await runScriptReply<Reply>(ctx.redis, ctx.keys.base, 'scim-read-users', payload, { bytes: true }));

/**
 * SCIM's hot reads in one call each (scim-read-users.lua): the user holding a userName (always
 * with its record), or a page by offset of the users SCIM manages (SSO users, optionally by
 * status), with their groups; a page's users can be decoded into records only when `records` asks.
 */
export const scimReadByUserName = (ctx: DirectoryContext, userName: string): Promise<ScimRead> =>
  read(ctx, { by: 'username', value: userName.normalize('NFC').trim().toLowerCase() });

export const scimReadPage = (
  ctx: DirectoryContext,
  query: { offset: number; count: number; status?: Status; records?: boolean },
): Promise<ScimRead> =>
  read(ctx, {
    by: 'page',
    offset: Math.max(0, Math.trunc(query.offset)),
    count: Math.max(0, Math.trunc(query.count)),
    filter: ctx.keys.filterName({ status: query.status, kind: 'sso' }),
    records: query.records === true,
  });
