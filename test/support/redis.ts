import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Directory } from '../../src/directory/index.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix of this test's own; cleanup removes only keys under it. */
export const testPrefix = (label = 't') => `test-${label}-${randomBytes(4).toString('hex')}`;

export function connect(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
}

export const deletePrefix = (redis: Redis, prefix: string) => deleteMatching(redis, `{${prefix}}*`);

/** Deletes the keys matching a pattern; tests only ever pass patterns under their own prefix. */
export async function deleteMatching(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** Every key matching a pattern: SCAN to the end (one call answers one page, however large COUNT is). */
export async function keysMatching(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

export interface TestDirectory {
  redis: Redis;
  prefix: string;
  directory: Directory;
  cleanup(): Promise<void>;
}

export function testDirectory(
  options: { idleTtlSeconds?: number; maxTtlSeconds?: number; label?: string } = {},
): TestDirectory {
  const redis = connect();
  const prefix = testPrefix(options.label);
  const directory = new Directory(redis, {
    prefix,
    session: { idleTtlSeconds: options.idleTtlSeconds ?? 3600, maxTtlSeconds: options.maxTtlSeconds ?? 86_400 },
  });
  return {
    redis,
    prefix,
    directory,
    async cleanup() {
      await deletePrefix(redis, prefix);
      redis.disconnect();
    },
  };
}
