import type { DirectoryContext } from '../context.js';
import { runScript } from '../scripts.js';
import { toUserRecord, type RawUser } from '../user-record.js';
import type { UserRecord } from '../types.js';
import { canonicalEmail } from '../normalize.js';

type Index = 'id' | 'email' | 'username' | 'externalid' | 'nameid';

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
export const findUserByExternalId = (ctx: DirectoryContext, externalId: string) =>
  findBy(ctx, 'externalid', externalId.normalize('NFC').trim().toLowerCase());
