import { randomUUID } from 'node:crypto';
import type { DirectoryContext } from '../context.js';
import { newToken, hashToken } from '../tokens.js';
import { DirectoryError } from '../errors.js';
import { runScript } from '../scripts.js';
import type { ScimTokenRecord } from '../queries/scim-tokens.js';

// SCIM bearer tokens: shown once, stored only under the SHA-256 of the token (keys.ts lists the keys).
// The reads (listing, verifying) are in ../queries/scim-tokens.ts.

export async function createScimToken(
  ctx: DirectoryContext,
  name: string,
): Promise<ScimTokenRecord & { token: string }> {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 100) {
    throw new DirectoryError('validation_failed', 'name: must be 1–100 characters', [
      { field: 'name', message: 'must be 1–100 characters' },
    ]);
  }
  const token = newToken();
  const tokenHash = hashToken(token);
  const id = randomUUID();
  const createdAt = Date.now();
  await ctx.redis
    .multi()
    .hset(ctx.keys.scimToken(tokenHash), { id, name: trimmed, createdAt: String(createdAt) })
    .hset(ctx.keys.scimTokens, id, tokenHash)
    .exec();
  return { id, name: trimmed, createdAt: new Date(createdAt), lastUsedAt: null, token };
}

/** Revokes a token and announces it, so servers that cached it drop it; answers its hash. */
export async function revokeScimToken(ctx: DirectoryContext, id: string): Promise<string> {
  const tokenHash = await ctx.redis.hget(ctx.keys.scimTokens, id);
  if (!tokenHash) throw new DirectoryError('not_found', 'no such SCIM token');
  await ctx.redis.multi().del(ctx.keys.scimToken(tokenHash)).hdel(ctx.keys.scimTokens, id).exec();
  await ctx.redis.publish(ctx.keys.scimTokenRevocations, tokenHash);
  return tokenHash;
}

/** Records when a token was last used (touch-scim-token.lua: never recreates a revoked one). */
export async function touchScimToken(ctx: DirectoryContext, tokenHash: string, at: number): Promise<void> {
  await runScript(ctx.redis, ctx.keys.base, 'touch-scim-token', { tokenHash, at: String(at) });
}
