import type { Command } from 'commander';
import { loadConfig } from '../../../config/index.js';
import { createLogger } from '../../logger.js';
import { openRuntime } from '../../runtime.js';
import { runWorkers } from '../../../workers/index.js';
import { needsEmbeddedRedis } from '../../redis/embedded-redis.js';
import { redisTarget } from '../../redis/connection.js';
import { untilSignal } from './serve.js';

// `worker`: the job workers only, for deployments that run them apart from `serve --no-workers`.
// It never starts a Redis of its own (one per deployment is serve's, and dies with it): with
// none to be found it says so once, then waits for one like any configured Redis.

async function worker(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  if (await needsEmbeddedRedis(config)) {
    logger.warn(
      { redis: redisTarget(config) },
      `REDIS_URL is not set and nothing answers at ${redisTarget(config)}; a standalone worker does not start a Redis of its own: run serve (its workers share the Redis it starts) or set REDIS_URL`,
    );
  }
  const runtime = openRuntime(config, logger);
  const workers = runWorkers(runtime);
  await untilSignal(logger);
  await workers.close();
  await runtime.close();
}

export function registerWorker(program: Command): void {
  program.command('worker').description('run the job workers only (no HTTP server)').action(worker);
}
