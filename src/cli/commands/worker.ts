import type { Command } from 'commander';
import { loadConfig } from '../../../config/index.js';
import { createLogger } from '../../logger.js';
import { openRuntime, runWorkers } from '../../runtime.js';
import { untilSignal } from './serve.js';

// `worker`: the job workers only, for deployments that run them apart from `serve --no-workers`.

async function worker(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  const runtime = openRuntime(config, logger);
  const workers = runWorkers(runtime);
  await untilSignal(logger);
  await workers.close();
  await runtime.close();
}

export function registerWorker(program: Command): void {
  program.command('worker').description('run the job workers only (no HTTP server)').action(worker);
}
