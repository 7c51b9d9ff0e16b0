import type { DirectoryContext } from '../context.js';

// SCIM bearer tokens, read: `{p}:scim-token:<hash>` holds the token's record; `{p}:scim-tokens`
// maps id -> hash for listing.

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

export async function listScimTokens(ctx: DirectoryContext): Promise<ScimTokenRecord[]> {
  const hashes = Object.values(await ctx.redis.hgetall(ctx.keys.scimTokens));
  const pipeline = ctx.redis.pipeline();
  for (const tokenHash of hashes) pipeline.hgetall(ctx.keys.scimToken(tokenHash));
  const rows = ((await pipeline.exec()) ?? []).map(([, raw]) => raw as Record<string, string>).filter((raw) => raw?.id);
  return rows.map(toRecord).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** The record of a valid (not revoked) token, by the token's SHA-256, else null. */
export async function verifyScimTokenHash(ctx: DirectoryContext, tokenHash: string): Promise<ScimTokenRecord | null> {
  const raw = await ctx.redis.hgetall(ctx.keys.scimToken(tokenHash));
  return raw.id ? toRecord(raw) : null;
}
