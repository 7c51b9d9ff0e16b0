import { Redis, Cluster, type RedisOptions } from 'ioredis';
import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';

export type RedisClient = Redis | Cluster;

const ERROR_LOG_EVERY_MS = 5_000;

// A failover turns the old master into a replica (or a restarted one comes back as one): a
// write it refuses with READONLY means "ask the sentinels again", and the command is re-sent
// to the master they name (it did not run: a replica refuses a write before running it).
const READONLY = /^READONLY\b/;

/**
 * A connection to the configured Redis: a cluster when REDIS_CLUSTER_NODES is set, the master
 * the sentinels name when REDIS_SENTINELS is (re-asked at each reconnect, and at once when a
 * sentinel announces a new master), else REDIS_URL's.
 * `forBullmq` gives BullMQ what it requires: commands wait for a reconnect instead of failing.
 * Other connections never re-send a command whose reply was lost with its connection (it may
 * have run): the request fails (503) and its client retries, rather than running a write twice.
 * Connection errors are never left unhandled (ioredis would print "Unhandled error event"):
 * they become one line, at most every 5 s per Redis address (see reportRedisError).
 */
export function createRedis(
  config: Config,
  options: { forBullmq?: boolean; logger?: Logger; name?: string } = {},
): RedisClient {
  const target = redisTarget(config);
  const redisOptions: RedisOptions = {
    maxRetriesPerRequest: options.forBullmq ? null : 2,
    enableOfflineQueue: true,
    connectionName: 'rune-directory',
    autoResendUnfulfilledCommands: Boolean(options.forBullmq),
    reconnectOnError: (error) => (READONLY.test(error.message) ? 2 : false),
    retryStrategy: (times) => {
      noteAttempt(target, times);
      return Math.min(times * 50, 2000);
    },
  };
  const client: RedisClient =
    config.redis.clusterNodes.length > 0
      ? new Cluster([...config.redis.clusterNodes], { redisOptions, enableOfflineQueue: true })
      : config.redis.sentinels.length > 0
        ? new Redis({ ...redisOptions, ...sentinelOptions(config) })
        : new Redis(config.redis.url, redisOptions);
  client.on('error', (error: Error) => reportRedisError(config, options.logger, options.name ?? 'directory', error));
  client.on('ready', () => reportRedisBack(config, options.logger));
  return client;
}

// The master's password, user and db come from REDIS_URL when it is given; the sentinels are asked where it is.
function sentinelOptions(config: Config): RedisOptions {
  const url = config.redis.urlFromEnv ? new URL(config.redis.url) : undefined;
  const db = url && /^\/\d+$/.test(url.pathname) ? Number(url.pathname.slice(1)) : undefined;
  return {
    sentinels: config.redis.sentinels.map((s) => ({ host: s.host, port: s.port })),
    name: config.redis.sentinelName,
    role: 'master',
    // No failoverDetector: its sentinel subscribers have no error listener and can outlive the
    // connection (seen: one reconnecting forever after quit()). A killed master drops the
    // connection, and a demoted one answers READONLY: both already make ioredis ask the sentinels.
    failoverDetector: false,
    ...(url?.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url?.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(db !== undefined ? { db } : {}),
    ...(url?.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Where Redis is, as a person can check it: never with the URL's password. */
export function redisTarget(config: Config): string {
  if (config.redis.clusterNodes.length > 0)
    return `cluster ${config.redis.clusterNodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
  if (config.redis.sentinels.length > 0)
    return `sentinel master ${config.redis.sentinelName} via ${config.redis.sentinels.map((n) => `${n.host}:${n.port}`).join(',')}`;
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
// The highest reconnection attempt of any connection to a target since it last answered.
const attempts = new Map<string, number>();

function noteAttempt(target: string, times: number): void {
  attempts.set(target, Math.max(attempts.get(target) ?? 0, times));
}

/** Where a person finds the Redis waited for: host:port (no scheme, no password), or the sentinels. */
export function redisAddress(config: Config): string {
  const target = redisTarget(config);
  try {
    const url = new URL(target);
    return url.host;
  } catch {
    return target;
  }
}

// After a wait, one line says it is over (the first connection to answer says it).
function reportRedisBack(config: Config, logger: Logger | undefined): void {
  const target = redisTarget(config);
  const waited = attempts.get(target);
  if (waited === undefined) return;
  attempts.delete(target);
  lastReported.clear();
  logger?.info(
    { redis: target, attempts: waited },
    `redis answers at ${redisAddress(config)} after ${waited} attempts`,
  );
}

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
  if (unreachable) {
    const attempt = attempts.get(target) ?? 1;
    logger?.warn(
      { connection: role, redis: target, code: error.code, attempt },
      `waiting for Redis at ${redisAddress(config)} (attempt ${attempt}): redis unreachable at ${target}: ${error.code}; retrying`,
    );
  } else
    logger?.warn({ connection: role, redis: target, err: error.message }, `redis error (${role}): ${error.message}`);
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
