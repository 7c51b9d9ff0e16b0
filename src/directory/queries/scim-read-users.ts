import type { DirectoryContext } from '../context.js';
import { runScriptReply } from '../scripts.js';
import { toUserRecord, type RawUser } from '../user-record.js';
import type { Status, UserRecord } from '../types.js';

/** A user as SCIM's hot reads answer them: no session counts, and their groups (id, displayName). */
export interface ScimReadUser {
  user: UserRecord;
  groups: { id: string; displayName: string }[];
  /** The stored SCIM JSON as the bytes Redis sent (user.scim is the same, decoded): what the hot render copies. */
  scimBytes?: Buffer;
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

type Reply = (Buffer | number | null)[];

/**
 * The script's flat reply, every string as its bytes: total, then per user id, FIELDS, scim, a
 * group count and that many id/displayName pairs. The SCIM JSON, most of each user's bytes, is
 * kept as it came too (user-render.ts copies it into the answer, not encoding it again).
 */
function toRead(reply: Reply): ScimRead {
  const users: ScimReadUser[] = [];
  let at = 1;
  while (at < reply.length) {
    const raw: RawUser = { id: String(reply[at++]) };
    for (const field of FIELDS) {
      const value = reply[at++];
      if (value !== null && value !== undefined) raw[field] = String(value);
    }
    const scimBytes = reply[at++];
    const count = Number(reply[at++]);
    const groups: ScimReadUser['groups'] = [];
    for (let i = 0; i < count; i++) {
      groups.push({ id: String(reply[at]), displayName: String(reply[at + 1]) });
      at += 2;
    }
    if (Buffer.isBuffer(scimBytes)) raw.scim = scimBytes.toString('utf8');
    users.push({ user: toUserRecord(raw), groups, ...(Buffer.isBuffer(scimBytes) ? { scimBytes } : {}) });
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
