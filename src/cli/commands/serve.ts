import type { Command } from 'commander';
import { loadConfig } from '../../../config/index.js';
import { createLogger } from '../../logger.js';
import { openRuntime, startServer, StartupError, type Runtime } from '../../runtime.js';
// The CLI is the entry point that composes the server (src/) and the job workers (workers/).
import { runWorkers } from '../../../workers/index.js';
import { installProcessGuard } from '../../process-guard.js';
import { startEmbeddedRedisIfNeeded } from '../../redis/embedded-redis.js';
import type { Logger } from '../../logger.js';
import { CliFailure } from '../failure.js';

// `serve`: the HTTP server, and the job workers in the same process unless --no-workers
// (a deployment that scales workers separately runs `worker` next to `serve --no-workers`).
// With REDIS_URL unset and no Redis at the default address, it runs a Redis of its own
// (src/redis/embedded-redis.ts), shared by its workers, stopped when it stops.
// Start-up failures (a port taken, an unbindable HOST, no Redis to be had) end it with one line.

// Long-running commands (serve, worker) run until SIGTERM or SIGINT, then shut down in order.
export function untilSignal(logger: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

async function serve(options: { workers: boolean }): Promise<void> {
  const configured = loadConfig();
  const logger = createLogger(configured.logLevel, undefined, configured.logFormat);
  installProcessGuard(logger);
  const embedded = await startEmbeddedRedisIfNeeded(configured, logger).catch(asCliFailure);
  let runtime: Runtime | undefined;
  let workers: ReturnType<typeof runWorkers> | undefined;
  try {
    runtime = openRuntime(embedded?.config ?? configured, logger, { jobs: true });
    workers = options.workers ? runWorkers(runtime) : undefined;
    const running = await startServer(runtime);
    await untilSignal(logger);
    await running.close();
  } catch (error) {
    asCliFailure(error);
  } finally {
    await workers?.close();
    await runtime?.close();
    await embedded?.stop();
  }
}

function asCliFailure(error: unknown): never {
  throw error instanceof StartupError ? new CliFailure(error.message) : error;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP server (and the job workers, unless --no-workers)')
    .option('--no-workers', 'do not run the job workers in this process')
    .action(serve);
}
