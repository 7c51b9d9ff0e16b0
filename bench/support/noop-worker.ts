// The baseline worker of the deactivation bench, its own process as the real `rune-directory
// worker` is: one BullMQ Worker on BENCH_NOOP_QUEUE under the directory's prefix, with the
// service's connection and worker options (WORKER_CONCURRENCY, JOB_LOCK_MS, JOB_STALLED_INTERVAL_MS),
// whose processor only answers a result shaped like a deactivation's. Exits on SIGTERM and when
// its stdin ends (the bench that started it went away).
import { Worker, type Job } from 'bullmq';
import { loadConfig } from '../../config/index.js';
import { bullPrefix, type DeactivationJob, type DeactivationResult } from '../../src/jobs/queues.js';
import { createRedis } from '../../src/redis/connection.js';

const config = loadConfig();
const connection = createRedis(config, { forBullmq: true });
const worker = new Worker(
  process.env.BENCH_NOOP_QUEUE!,
  async (job: Job<DeactivationJob>): Promise<DeactivationResult> => ({
    userId: job.data.userId,
    sessionsRevoked: 0,
    deleted: false,
  }),
  {
    connection,
    prefix: bullPrefix(config.redis.prefix),
    concurrency: config.jobs.concurrency,
    lockDuration: config.jobs.lockMs,
    stalledInterval: config.jobs.stalledIntervalMs,
  },
);
worker.on('error', (error) => process.stderr.write(`noop-worker: ${error.message}\n`));
const shutdown = () => {
  setTimeout(() => process.exit(0), 5000).unref();
  void worker.close().finally(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.stdin.on('end', shutdown).on('error', shutdown).resume();
