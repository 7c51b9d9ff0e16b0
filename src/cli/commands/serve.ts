import type { Command } from 'commander';
import { loadConfig } from '../../../config/index.js';
import { createLogger } from '../../logger.js';
import { openRuntime, startServer, runWorkers } from '../../runtime.js';
import { installProcessGuard } from '../../process-guard.js';
import type { Logger } from '../../logger.js';

// `serve`: the HTTP server, and the job workers in the same process unless --no-workers
// (a deployment that scales workers separately runs `worker` next to `serve --no-workers`).

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
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  installProcessGuard(logger);
  const runtime = openRuntime(config, logger, { jobs: true });
  const workers = options.workers ? runWorkers(runtime) : undefined;
  const running = await startServer(runtime);
  await untilSignal(logger);
  await running.close();
  await workers?.close();
  await runtime.close();
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP server (and the job workers, unless --no-workers)')
    .option('--no-workers', 'do not run the job workers in this process')
    .action(serve);
}
