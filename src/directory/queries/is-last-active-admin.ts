import type { DirectoryContext } from '../context.js';

/** A read for early, friendly refusals; the scripts still decide atomically (lib.lua's is_last_active_admin). */
export async function isLastActiveAdmin(ctx: DirectoryContext, id: string): Promise<boolean> {
  const [member, count] = await Promise.all([
    ctx.redis.sismember(ctx.keys.activeAdmins, id),
    ctx.redis.scard(ctx.keys.activeAdmins),
  ]);
  return member === 1 && count <= 1;
}
