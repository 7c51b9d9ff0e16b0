// The baseline worker of the deactivation bench, run as a child process
// (`node --import tsx bench/support/noop-worker.ts`) so that it has the same process topology
// as the real `rune-directory worker`: one BullMQ Worker on BENCH_NOOP_QUEUE, under the
// directory's prefix, with the service's connection and worker options (WORKER_CONCURRENCY,
// JOB_LOCK_MS, JOB_STALLED_INTERVAL_MS read as the service reads them), whose processor does
// nothing but answer a result shaped like a deactivation's.
//
// Prints `noop worker started` once the worker's connection is ready. Exits on SIGTERM/SIGINT
// (closing the worker) and when its stdin ends, i.e. when the bench that started it goes away.
import { Worker, type Job } from 'bullmq';
import { loadConfig } from '../../config/index.js';
import { bullPrefix, type DeactivationJob, type DeactivationResult } from '../../src/jobs/queues.js';
import { createRedis } from '../../src/redis/connection.js';

const queueName = process.env.BENCH_NOOP_QUEUE;
if (!queueName) {
  process.stderr.write('noop-worker: BENCH_NOOP_QUEUE is not set\n');
  process.exit(2);
}

const config = loadConfig();
const connection = createRedis(config, { forBullmq: true });
const worker = new Worker(
  queueName,
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
worker.on('error', (error) => process.stderr.write(`noop-worker: worker error: ${error.message}\n`));
worker.on('failed', (job, error) => process.stderr.write(`noop-worker: job ${job?.id} failed: ${error.message}\n`));

let closing = false;
async function shutdown(code: number): Promise<void> {
  if (closing) return;
  closing = true;
  const force = setTimeout(() => process.exit(code), 5000);
  force.unref();
  try {
    await worker.close();
    await connection.quit().catch(() => connection.disconnect());
  } finally {
    process.exit(code);
  }
}

process.once('SIGTERM', () => void shutdown(0));
process.once('SIGINT', () => void shutdown(0));
process.stdin.on('end', () => void shutdown(0));
process.stdin.on('error', () => void shutdown(0));
process.stdin.resume();

worker.waitUntilReady().then(
  () =>
    process.stdout.write(
      `noop worker started (queue ${queueName}, concurrency ${config.jobs.concurrency}, pid ${process.pid})\n`,
    ),
  (error: unknown) => {
    process.stderr.write(`noop-worker: ${error instanceof Error ? error.message : String(error)}\n`);
    void shutdown(1);
  },
);
