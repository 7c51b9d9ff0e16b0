import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';

// Benchmarks share a Redis with everyone else: each works under prefixes of its own and deletes
// only the keys under them (SCAN MATCH + UNLINK). Never FLUSHDB / FLUSHALL.

export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const connect = (options: RedisOptions = {}) =>
  new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: 2, connectionName: 'rune-bench', ...options });

/** Prefixes that may still hold keys, for the message printed on a forced exit. */
const livePrefixes = new Set<string>();
export const prefixesNotCleaned = () => [...livePrefixes];

export interface PrefixScope {
  /** The directory prefix; keys live under the hash tag `{prefix}`. */
  readonly prefix: string;
  /** The SCAN pattern of every key under the prefix. */
  readonly pattern: string;
  /** The marker key that claims the prefix for this run (not part of what is measured). */
  readonly markerKey: string;
  /** Deletes every key under the prefix; answers how many were deleted (the marker included). */
  cleanup(): Promise<number>;
}

/**
 * A fresh, empty prefix of this run, claimed with a marker key (SET NX) that says who owns it.
 * By default `bench-<label>-<6 hex>`; with `length`, `<label><hex>` of exactly that many
 * characters, where key-name length counts (memory per user: the default prefix `rune` has 4).
 */
export async function isolatedPrefix(redis: Redis, label: string, options: { length?: number } = {}) {
  const hexChars = options.length === undefined ? 6 : options.length - label.length;
  for (let attempt = 0; attempt < 20; attempt++) {
    const hex = randomBytes(hexChars).toString('hex').slice(0, hexChars);
    const prefix = options.length === undefined ? `bench-${label}-${hex}` : `${label}${hex}`;
    const pattern = `{${prefix}}*`;
    const markerKey = `{${prefix}}:bench-owner`;
    if ((await countMatching(redis, pattern)) > 0) continue;
    const owner = `rune-directory bench, pid ${process.pid}, started ${new Date().toISOString()}`;
    if ((await redis.set(markerKey, owner, 'NX')) !== 'OK') continue;
    livePrefixes.add(prefix);
    const cleanup = async () => {
      let deleted = 0;
      await scanKeys(redis, pattern, async (keys) => void (deleted += await redis.unlink(...keys)));
      const left = await countMatching(redis, pattern);
      if (left > 0) throw new Error(`cleanup of ${pattern} left ${left} keys`);
      livePrefixes.delete(prefix);
      return deleted;
    };
    return { prefix, pattern, markerKey, cleanup } satisfies PrefixScope;
  }
  throw new Error('could not find an unused bench prefix');
}

/** Calls `each` with every batch of keys matching a pattern. */
export async function scanKeys(redis: Redis, pattern: string, each: (keys: string[]) => Promise<void> | void) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await each(keys);
  } while (cursor !== '0');
}

async function countMatching(redis: Redis, pattern: string): Promise<number> {
  let count = 0;
  await scanKeys(redis, pattern, (keys) => void (count += keys.length));
  return count;
}

/** One field of INFO <section>, as a string. */
export async function infoField(redis: Redis, section: string, field: string): Promise<string | undefined> {
  const line = (await redis.info(section)).split(/\r?\n/).find((l) => l.startsWith(`${field}:`));
  return line?.slice(field.length + 1).trim();
}

/** MEMORY USAGE of many keys, pipelined; SAMPLES 0 measures every element of an aggregate exactly. */
export async function memoryUsage(redis: Redis, keys: readonly string[], samples = 0): Promise<number[]> {
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', samples);
  return ((await pipeline.exec()) ?? []).map(([error, value]) => {
    if (error) throw error;
    return Number(value ?? 0);
  });
}
