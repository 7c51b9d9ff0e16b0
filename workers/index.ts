import { Worker, type Processor } from 'bullmq';
import type { Config } from '../config/index.js';
import type { Directory } from '../src/directory/index.js';
import type { Logger } from '../src/logger.js';
import type { Runtime } from '../src/runtime.js';
import { createRedis, closeRedis, withinTime, reportRedisError, type RedisClient } from '../src/redis/connection.js';
import { QUEUES, bullPrefix, type QueueName } from '../src/jobs/queues.js';
import { deactivationProcessor } from './deactivation.processor.js';
import { sessionRevocationProcessor } from './session-revocation.processor.js';

export interface RunningWorkers {
  /** Stops taking jobs and lets those in hand finish, for at most WORKER_SHUTDOWN_TIMEOUT_MS. */
  close(): Promise<void>;
}

/** Runs one BullMQ worker per queue against the directory. */
export function startWorkers(config: Config, directory: Directory, logger: Logger): RunningWorkers {
  const connection: RedisClient = createRedis(config, { forBullmq: true, logger, name: 'workers' });
  const processors: Record<QueueName, Processor> = {
    [QUEUES.deactivation]: deactivationProcessor(directory),
    [QUEUES.sessionRevocation]: sessionRevocationProcessor(directory),
  };
  const workers = Object.entries(processors).map(([name, processor]) => {
    const worker = new Worker(name, processor, {
      connection,
      prefix: bullPrefix(config.redis.prefix),
      concurrency: config.jobs.concurrency,
      lockDuration: config.jobs.lockMs,
      stalledInterval: config.jobs.stalledIntervalMs,
    });
    worker.on('failed', (job, error) =>
      logger.warn({ queue: name, jobId: job?.id, attempts: job?.attemptsMade, err: error.message }, 'job failed'),
    );
    worker.on('completed', (job) => logger.info({ queue: name, jobId: job.id }, 'job completed'));
    // Connection failures (the worker's own blocking connection included) are one throttled line.
    worker.on('error', (error) => reportRedisError(config, logger, `worker:${name}`, error));
    return worker;
  });
  logger.info({ queues: Object.keys(processors), concurrency: config.jobs.concurrency }, 'workers started');

  return {
    async close() {
      const graceful = Promise.all(workers.map((w) => w.close()));
      if ((await withinTime(graceful, config.jobs.shutdownTimeoutMs)) === 'timeout') {
        logger.warn(
          { timeoutMs: config.jobs.shutdownTimeoutMs },
          'jobs still running at shutdown; leaving them to stalled-job recovery',
        );
        await withinTime(Promise.all(workers.map((w) => w.close(true))), 2000);
      }
      await closeRedis(connection);
    },
  };
}

/** The job workers, on their own connections, against a runtime's directory (serve's, worker's, a test server's). */
export function runWorkers(runtime: Pick<Runtime, 'config' | 'directory' | 'logger'>): RunningWorkers {
  return startWorkers(runtime.config, runtime.directory, runtime.logger);
}
