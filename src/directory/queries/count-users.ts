import type { DirectoryContext } from '../context.js';

/** How many users the directory holds. */
export const countUsers = (ctx: DirectoryContext): Promise<number> => ctx.redis.zcard(ctx.keys.users);

/** Active and inactive users, from the status bitmaps (for /metrics). */
export async function countUsersByStatus(ctx: DirectoryContext): Promise<{ active: number; inactive: number }> {
  const [active, inactive] = await Promise.all(
    ['active', 'inactive'].map((status) => ctx.redis.bitcount(ctx.keys.bits(status))),
  );
  return { active: active ?? 0, inactive: inactive ?? 0 };
}
