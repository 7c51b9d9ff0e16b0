import { Redis, Cluster, type RedisOptions } from 'ioredis';
import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';

export type RedisClient = Redis | Cluster;

const ERROR_LOG_EVERY_MS = 5_000;

/**
 * A connection to the configured Redis, or to a cluster when REDIS_CLUSTER_NODES is set.
 * `forBullmq` gives BullMQ what it requires: commands wait for a reconnect instead of failing.
 * Connection errors are never left unhandled (ioredis would print "Unhandled error event"):
 * they become one line, at most every 5 s per Redis address (see reportRedisError).
 */
export function createRedis(
  config: Config,
  options: { forBullmq?: boolean; logger?: Logger; name?: string } = {},
): RedisClient {
  const redisOptions: RedisOptions = {
    maxRetriesPerRequest: options.forBullmq ? null : 2,
    enableOfflineQueue: true,
    connectionName: 'rune-directory',
  };
  const client: RedisClient =
    config.redis.clusterNodes.length > 0
      ? new Cluster([...config.redis.clusterNodes], { redisOptions, enableOfflineQueue: true })
      : new Redis(config.redis.url, redisOptions);
  client.on('error', (error: Error) => reportRedisError(config, options.logger, options.name ?? 'directory', error));
  return client;
}

/** Where Redis is, as a person can check it: never with the URL's password. */
export function redisTarget(config: Config): string {
  if (config.redis.clusterNodes.length > 0)
    return `cluster ${config.redis.clusterNodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
  try {
    const url = new URL(config.redis.url);
    url.password = '';
    url.username = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return 'REDIS_URL';
  }
}

// Errors that mean "Redis is not there (yet)": ioredis reconnects by itself, so they are news, not failures.
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOENT',
]);
const lastReported = new Map<string, number>();

/**
 * One readable line for an error of a Redis connection, its BullMQ queues, workers or queue
 * events (which re-emit their connections' errors): "redis unreachable at redis://…:
 * ECONNREFUSED; retrying", never a stack. A Redis that is down fails every connection at once
 * (seven of them in `serve`), so that is one line every 5 s per address, not one per connection;
 * any other error is one line every 5 s per connection role and message.
 */
export function reportRedisError(
  config: Config,
  logger: Logger | undefined,
  role: string,
  error: Error & { code?: string },
): void {
  const unreachable = error.code !== undefined && UNREACHABLE.has(error.code);
  const target = redisTarget(config);
  const key = unreachable ? `${target}|${error.code}` : `${target}|${role}|${error.message}`;
  const now = Date.now();
  if (now - (lastReported.get(key) ?? -Infinity) < ERROR_LOG_EVERY_MS) return;
  lastReported.set(key, now);
  if (unreachable)
    logger?.warn(
      { connection: role, redis: target, code: error.code },
      `redis unreachable at ${target}: ${error.code}; retrying`,
    );
  else logger?.warn({ connection: role, redis: target, err: error.message }, `redis error (${role}): ${error.message}`);
}

/** Closes a connection politely, or drops it if Redis does not answer in time. */
export async function closeRedis(client: RedisClient, timeoutMs = 2000): Promise<void> {
  const result = await withinTime(
    client.quit().catch(() => 'failed' as const),
    timeoutMs,
  );
  if (result !== 'OK') client.disconnect();
}

/** Resolves when the work is done or the time is up, whichever is first. */
export function withinTime<T>(work: Promise<T>, timeoutMs: number): Promise<T | 'timeout'> {
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
  return Promise.race([work, timer]);
}
