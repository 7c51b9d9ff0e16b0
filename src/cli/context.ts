import { loadConfig, type Config } from '../../config/index.js';
import { createLogger } from '../logger.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { withinTime, redisTarget } from '../redis/connection.js';
import { JobRunner } from '../jobs/job-runner.js';
import type { Actor } from '../directory/index.js';
import { CodedFailure } from './output.js';

// A command's runtime: configuration, a silent logger (a command's output is its answer, not
// logs), the directory, and job queues on demand. Redis is checked with one bounded PING
// first, so an unreachable Redis is one line naming it, not ioredis's endless retries.

/** Who the CLI acts as: no signed-in user, so "yourself" refusals never apply; every rule else does. */
export const CLI_ACTOR: Actor = { source: 'cli' };

const PING_WITHIN_MS = 2000;

export interface CommandRuntime extends Runtime {
  /** Queues for the clean-up jobs, opened on first use (most commands need none). */
  jobRunner(): JobRunner;
}

export function redisUnreachable(config: Config, why: string): CodedFailure {
  const variable = config.redis.clusterNodes.length > 0 ? 'REDIS_CLUSTER_NODES' : 'REDIS_URL';
  return new CodedFailure(
    'redis_unreachable',
    `cannot reach Redis at ${redisTarget(config)} (${why}); is it running? set ${variable}`,
  );
}

/** The most telling reason among a connection's errors: a system error's code first. */
function whyUnreachable(errors: (Error & { code?: string })[]): string {
  const system = errors.find((e) => typeof e.code === 'string');
  if (system) return system.code!;
  if (errors.some((e) => e.name === 'ParserError')) return 'what answers there does not speak the Redis protocol';
  // Redis's own refusal of the PING, such as NOAUTH or WRONGPASS.
  const other = errors.find((e) => e.name !== 'MaxRetriesPerRequestError');
  if (other) return other.message.split('\n')[0]!;
  return `no answer within ${PING_WITHIN_MS / 1000} s`;
}

/** The runtime, once its Redis answered a PING; else undefined, with why. */
async function openChecked(config: Config): Promise<{ runtime: Runtime } | { why: string }> {
  const runtime = openRuntime(config, createLogger('silent'));
  const seen: Error[] = [];
  runtime.redis.on('error', (error: Error) => {
    if (seen.length < 10) seen.push(error);
  });
  const ping = await withinTime(
    runtime.redis.ping().then(
      () => 'ok' as const,
      (error: Error) => error,
    ),
    PING_WITHIN_MS,
  );
  if (ping === 'ok') return { runtime };
  runtime.redis.disconnect();
  return { why: whyUnreachable(ping === 'timeout' ? seen : [...seen, ping]) };
}

// With REDIS_URL unset and nothing at the default address, `serve` runs its own Redis on a
// socket under DATA_DIR (src/redis/embedded-redis.ts): commands on the same DATA_DIR use it.
function embeddedRedisConfig(config: Config): Config | undefined {
  if (config.redis.urlFromEnv || config.redis.clusterNodes.length > 0) return undefined;
  const socket = join(config.dataDir, 'redis', 'redis.sock');
  return existsSync(socket) ? { ...config, redis: { ...config.redis, url: `unix://${socket}` } } : undefined;
}

/** Opens the runtime, checks Redis, runs the work, and closes everything, whatever happens. */
export async function withRuntime<T>(work: (runtime: CommandRuntime) => Promise<T>): Promise<T> {
  let config = loadConfig();
  let opened = await openChecked(config);
  const embedded = 'why' in opened ? embeddedRedisConfig(config) : undefined;
  if (embedded) {
    const fallback = await openChecked(embedded);
    if ('runtime' in fallback) [config, opened] = [embedded, fallback];
  }
  if ('why' in opened) throw redisUnreachable(config, opened.why);
  const { runtime } = opened;
  let jobs: JobRunner | undefined;
  const commandRuntime: CommandRuntime = {
    ...runtime,
    jobRunner: () => (jobs ??= new JobRunner(config, runtime.logger)),
  };
  try {
    return await work(commandRuntime);
  } finally {
    await jobs?.close();
    await runtime.close();
  }
}
