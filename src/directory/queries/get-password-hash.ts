import type { DirectoryContext } from '../context.js';
import { runScript } from '../scripts.js';
import { unpackPasswordHash } from '../password-codec.js';

/** The stored argon2id hash of a password user, for verification only. */
export async function getPasswordHash(ctx: DirectoryContext, userId: string): Promise<string | null> {
  return unpackPasswordHash(
    await runScript<{ pw?: string; pwp?: string }>(ctx.redis, ctx.keys.base, 'get-password-hash', { id: userId }),
  );
}
