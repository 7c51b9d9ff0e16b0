import type { DirectoryContext } from '../context.js';
import { runScript } from '../scripts.js';
import { toUserRecord, type RawUser } from '../user-record.js';
import type { Status, UserRecord } from '../types.js';

/** A user as SCIM's hot reads answer them: no session counts, and their groups (id, displayName). */
export interface ScimReadUser {
  user: UserRecord;
  groups: { id: string; displayName: string }[];
}

export interface ScimRead {
  users: ScimReadUser[];
  total: number;
}

type Raw = { users: (RawUser & { groups?: [string, string][] })[] | Record<string, never>; total: number };

const toRead = (raw: Raw): ScimRead => ({
  total: raw.total,
  users: Array.isArray(raw.users)
    ? raw.users.map(({ groups, ...user }) => ({
        user: toUserRecord(user),
        groups: (groups ?? []).map(([id, displayName]) => ({ id, displayName })),
      }))
    : [],
});

/**
 * SCIM's hot reads in one call each (scim-read-users.lua): the user holding a userName, or a page
 * by offset of the users SCIM manages (SSO users, optionally by status), with their groups.
 */
export const scimReadByUserName = async (ctx: DirectoryContext, userName: string): Promise<ScimRead> =>
  toRead(
    await runScript<Raw>(ctx.redis, ctx.keys.base, 'scim-read-users', {
      by: 'username',
      value: userName.normalize('NFC').trim().toLowerCase(),
    }),
  );

export const scimReadPage = async (
  ctx: DirectoryContext,
  query: { offset: number; count: number; status?: Status },
): Promise<ScimRead> =>
  toRead(
    await runScript<Raw>(ctx.redis, ctx.keys.base, 'scim-read-users', {
      by: 'page',
      offset: Math.max(0, Math.trunc(query.offset)),
      count: Math.max(0, Math.trunc(query.count)),
      filter: ctx.keys.filterName({ status: query.status, kind: 'sso' }),
    }),
  );
