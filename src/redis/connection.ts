import { Redis, Cluster, type RedisOptions } from 'ioredis';
import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';

export type RedisClient = Redis | Cluster;

const ERROR_LOG_EVERY_MS = 10_000;

/**
 * A connection to the configured Redis, or to a cluster when REDIS_CLUSTER_NODES is set.
 * `forBullmq` gives BullMQ what it requires: commands wait for a reconnect instead of failing.
 * Connection errors are logged, at most once every 10 s per connection, never left unhandled.
 */
export function createRedis(config: Config, options: { forBullmq?: boolean; logger?: Logger; name?: string } = {}): RedisClient {
  const redisOptions: RedisOptions = {
    maxRetriesPerRequest: options.forBullmq ? null : 2,
    enableOfflineQueue: true,
    connectionName: 'rune-directory',
  };
  const client: RedisClient = config.redis.clusterNodes.length > 0
    ? new Cluster([...config.redis.clusterNodes], { redisOptions, enableOfflineQueue: true })
    : new Redis(config.redis.url, redisOptions);
  let lastLogged = 0;
  client.on('error', (error: Error) => {
    if (Date.now() - lastLogged < ERROR_LOG_EVERY_MS) return;
    lastLogged = Date.now();
    options.logger?.warn({ err: error.message, connection: options.name ?? 'directory' }, 'redis connection error');
  });
  return client;
}

/** Closes a connection politely, or drops it if Redis does not answer in time. */
export async function closeRedis(client: RedisClient, timeoutMs = 2000): Promise<void> {
  const result = await withinTime(client.quit().catch(() => 'failed' as const), timeoutMs);
  if (result !== 'OK') client.disconnect();
}

/** Resolves when the work is done or the time is up, whichever is first. */
export function withinTime<T>(work: Promise<T>, timeoutMs: number): Promise<T | 'timeout'> {
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
  return Promise.race([work, timer]);
}
