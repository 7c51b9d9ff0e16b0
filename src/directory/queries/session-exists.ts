import type { DirectoryContext } from '../context.js';
import { hashToken } from '../tokens.js';

/** Whether a token is a live sign-in session's, without touching it. */
export const sessionExists = async (ctx: DirectoryContext, token: string): Promise<boolean> =>
  (await ctx.redis.exists(ctx.keys.session(hashToken(token)))) === 1;
