import type { DirectoryContext } from '../context.js';
import { runScript } from '../scripts.js';
import { toUserRecord, type RawUser } from '../user-record.js';
import type { UserRecord } from '../types.js';
import { canonicalEmail } from '../normalize.js';

type Index = 'id' | 'email' | 'username' | 'nameid';

async function findBy(ctx: DirectoryContext, by: Index, value: string): Promise<UserRecord | null> {
  if (!value) return null;
  const result = await runScript<{ user?: RawUser }>(ctx.redis, ctx.keys.base, 'find-user', { by, value });
  return result.user ? toUserRecord(result.user) : null;
}

// Ids are randomUUID()s (create-user.ts). Anything else finds nobody without a Redis call: an
// id such as "<uuid>:sessions" would otherwise name another key of the user (defence in depth;
// the HTTP routes refuse such ids first, in src/http/ids.ts).
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const getUser = async (ctx: DirectoryContext, id: string) => (USER_ID.test(id) ? findBy(ctx, 'id', id) : null);
export const findUserByEmail = (ctx: DirectoryContext, email: string) => findBy(ctx, 'email', canonicalEmail(email));
export const findUserByUserName = (ctx: DirectoryContext, userName: string) =>
  findBy(ctx, 'username', userName.normalize('NFC').trim().toLowerCase());
export const findUserByNameId = (ctx: DirectoryContext, nameId: string) => findBy(ctx, 'nameid', nameId);
/** Every user holding a value of a non-unique index, in creation order, at most `limit` (and how many there are). */
async function findAllBy(
  ctx: DirectoryContext,
  by: 'externalid' | 'mail',
  value: string,
  limit?: number,
): Promise<{ users: UserRecord[]; total: number }> {
  if (!value) return { users: [], total: 0 };
  const result = await runScript<{ users: RawUser[] | Record<string, never>; total: number }>(
    ctx.redis,
    ctx.keys.base,
    'find-user',
    { by, value, limit },
  );
  return { users: Array.isArray(result.users) ? result.users.map(toUserRecord) : [], total: result.total };
}

/** The users with this externalId (RFC 7643: the client's identifier, which several users may share). */
export const findUsersByExternalId = (ctx: DirectoryContext, externalId: string, limit?: number) =>
  findAllBy(ctx, 'externalid', externalId.normalize('NFC').trim().toLowerCase(), limit);
/** The first user created with this externalId. */
export const findUserByExternalId = async (ctx: DirectoryContext, externalId: string) =>
  (await findUsersByExternalId(ctx, externalId, 1)).users[0] ?? null;
/** The users with this address as their email or as one of their SCIM `emails` values. */
export const findUsersByEmailValue = (ctx: DirectoryContext, address: string, limit?: number) =>
  findAllBy(ctx, 'mail', canonicalEmail(address), limit);
