import { loadConfig, type Config } from '../../config/index.js';
import { createLogger } from '../logger.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { withinTime } from '../redis/connection.js';
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

/** Where Redis is, as a person can check it: never with the password of the URL. */
export function redisLocation(config: Config): string {
  if (config.redis.clusterNodes.length > 0) {
    return `cluster ${config.redis.clusterNodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
  }
  try {
    const url = new URL(config.redis.url);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return 'REDIS_URL';
  }
}

export function redisUnreachable(config: Config, why: string): CodedFailure {
  const variable = config.redis.clusterNodes.length > 0 ? 'REDIS_CLUSTER_NODES' : 'REDIS_URL';
  return new CodedFailure('redis_unreachable', `cannot reach Redis at ${redisLocation(config)} (${why}); is it running? set ${variable}`);
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

/** Opens the runtime, checks Redis, runs the work, and closes everything, whatever happens. */
export async function withRuntime<T>(work: (runtime: CommandRuntime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const runtime = openRuntime(config, createLogger('silent'));
  const seen: Error[] = [];
  runtime.redis.on('error', (error: Error) => {
    if (seen.length < 10) seen.push(error);
  });
  const ping = await withinTime(runtime.redis.ping().then(() => 'ok' as const, (error: Error) => error), PING_WITHIN_MS);
  if (ping !== 'ok') {
    runtime.redis.disconnect();
    throw redisUnreachable(config, whyUnreachable(ping === 'timeout' ? seen : [...seen, ping]));
  }
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
