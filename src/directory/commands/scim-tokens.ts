import { randomUUID } from 'node:crypto';
import type { DirectoryContext } from '../context.js';
import { newToken, hashToken } from '../tokens.js';
import { DirectoryError } from '../errors.js';

// SCIM bearer tokens: shown once, stored only under the SHA-256 of the token.
// `{p}:scim-token:<hash>` holds the token's record; `{p}:scim-tokens` maps id -> hash for listing.

export interface ScimTokenRecord {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

const toRecord = (raw: Record<string, string>): ScimTokenRecord => ({
  id: raw.id!,
  name: raw.name!,
  createdAt: new Date(Number(raw.createdAt)),
  lastUsedAt: raw.lastUsedAt ? new Date(Number(raw.lastUsedAt)) : null,
});

export async function createScimToken(ctx: DirectoryContext, name: string): Promise<ScimTokenRecord & { token: string }> {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 100) {
    throw new DirectoryError('validation_failed', 'name: must be 1–100 characters', [{ field: 'name', message: 'must be 1–100 characters' }]);
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

export async function listScimTokens(ctx: DirectoryContext): Promise<ScimTokenRecord[]> {
  const hashes = Object.values(await ctx.redis.hgetall(ctx.keys.scimTokens));
  const pipeline = ctx.redis.pipeline();
  for (const tokenHash of hashes) pipeline.hgetall(ctx.keys.scimToken(tokenHash));
  const rows = ((await pipeline.exec()) ?? []).map(([, raw]) => raw as Record<string, string>).filter((raw) => raw?.id);
  return rows.map(toRecord).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** Revokes a token and announces it, so servers that cached it drop it; answers its hash. */
export async function revokeScimToken(ctx: DirectoryContext, id: string): Promise<string> {
  const tokenHash = await ctx.redis.hget(ctx.keys.scimTokens, id);
  if (!tokenHash) throw new DirectoryError('not_found', 'no such SCIM token');
  await ctx.redis.multi().del(ctx.keys.scimToken(tokenHash)).hdel(ctx.keys.scimTokens, id).exec();
  await ctx.redis.publish(ctx.keys.scimTokenRevocations, tokenHash);
  return tokenHash;
}

/** The record of a valid (not revoked) token, by the token's SHA-256, else null. */
export async function verifyScimTokenHash(ctx: DirectoryContext, tokenHash: string): Promise<ScimTokenRecord | null> {
  const raw = await ctx.redis.hgetall(ctx.keys.scimToken(tokenHash));
  return raw.id ? toRecord(raw) : null;
}

export async function touchScimToken(ctx: DirectoryContext, tokenHash: string, at: number): Promise<void> {
  // XX semantics by hand: never recreate a token that was revoked meanwhile.
  const key = ctx.keys.scimToken(tokenHash);
  await ctx.redis.eval("if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'lastUsedAt', ARGV[1]) end", 1, key, String(at));
}
