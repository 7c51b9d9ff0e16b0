import { Redis, Cluster, type RedisOptions } from 'ioredis';
import type { Config } from '../../config/index.js';

export type RedisClient = Redis | Cluster;

/**
 * A connection to the configured Redis, or to a cluster when REDIS_CLUSTER_NODES is set.
 * `forBullmq` gives BullMQ what it requires: commands wait for a reconnect instead of failing.
 */
export function createRedis(config: Config, options: { forBullmq?: boolean } = {}): RedisClient {
  const redisOptions: RedisOptions = {
    maxRetriesPerRequest: options.forBullmq ? null : 2,
    enableOfflineQueue: true,
    connectionName: 'rune-directory',
  };
  if (config.redis.clusterNodes.length > 0) {
    return new Cluster([...config.redis.clusterNodes], { redisOptions, enableOfflineQueue: true });
  }
  return new Redis(config.redis.url, redisOptions);
}
