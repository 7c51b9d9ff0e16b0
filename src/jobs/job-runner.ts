import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Config } from '../../config/index.js';
import type { Actor } from '../directory/index.js';
import { createRedis, closeRedis, withinTime, reportRedisError, type RedisClient } from '../redis/connection.js';
import type { Logger } from '../logger.js';
import {
  QUEUES,
  QUEUE_NAMES,
  bullPrefix,
  jobOptions,
  type QueueName,
  type DeactivationJob,
  type DeactivationResult,
  type SessionRevocationJob,
  type SessionRevocationResult,
  type RevocationReason,
} from './queues.js';
import { parseRefusal } from './refusal.js';

export type JobOutcome<T> =
  | { state: 'completed'; value: T; jobId: string }
  | { state: 'refused'; code: string; detail: string; jobId: string }
  | { state: 'failed'; detail: string; jobId: string }
  | { state: 'pending'; jobId: string };

export interface JobView {
  id: string;
  queue: QueueName;
  state: string;
  createdAt: string;
  finishedAt: string | null;
  attemptsMade: number;
  progress: unknown;
  result: unknown;
  failure: { code: string; detail: string } | null;
}

const WAIT_TIMED_OUT = /timed out before finishing/;

/** Adds jobs and waits for them up to JOB_WAIT_MS; the server's side of the queues. */
export class JobRunner {
  private readonly connection: RedisClient;
  private readonly eventConnections: RedisClient[] = [];
  private readonly queues: Record<QueueName, Queue>;
  private readonly events: Record<QueueName, QueueEvents>;

  constructor(
    private readonly config: Config,
    private readonly logger?: Logger,
  ) {
    this.connection = createRedis(config, { forBullmq: true, logger, name: 'jobs' });
    const prefix = bullPrefix(config.redis.prefix);
    const defaultJobOptions = jobOptions(config.jobs.attempts);
    this.queues = Object.fromEntries(
      QUEUE_NAMES.map((name) => [name, new Queue(name, { connection: this.connection, prefix, defaultJobOptions })]),
    ) as Record<QueueName, Queue>;
    this.events = Object.fromEntries(
      QUEUE_NAMES.map((name) => [name, new QueueEvents(name, { connection: this.eventConnection(), prefix })]),
    ) as Record<QueueName, QueueEvents>;
    // Without a listener BullMQ prints each connection failure as a raw multi-line dump.
    for (const queue of Object.values(this.queues))
      queue.on('error', (error) => reportRedisError(config, logger, 'jobs', error));
    for (const events of Object.values(this.events))
      events.on('error', (error) => reportRedisError(config, logger, 'job-events', error));
  }

  // QueueEvents blocks on its connection, so each gets one of its own.
  private eventConnection(): RedisClient {
    const connection = createRedis(this.config, { forBullmq: true, logger: this.logger, name: 'job-events' });
    this.eventConnections.push(connection);
    return connection;
  }

  /**
   * Queues the clean-up of a deactivation or deletion already done in the request (see
   * DeactivationJob), waiting for it up to JOB_WAIT_MS unless `wait: false`. Concurrent
   * requests by one actor for one user share a job.
   */
  cleanUpAfterDeactivation(userId: string, actor: Actor, options: { deleted?: boolean; wait?: boolean } = {}) {
    const data: DeactivationJob = { userId, actorId: actor.actorId, source: actor.source, deleted: options.deleted };
    const name = options.deleted ? 'clean-up-deletion' : 'clean-up-deactivation';
    const dedupe = `${name}:${userId}:${actor.actorId ?? actor.source}`;
    return this.run<DeactivationResult>(QUEUES.deactivation, name, data, dedupe, options.wait ?? true);
  }

  revokeSessions(userId: string, actor: Actor, reason: RevocationReason, options: { wait?: boolean } = {}) {
    const data: SessionRevocationJob = { userId, actorId: actor.actorId, source: actor.source, reason };
    return this.run<SessionRevocationResult>(
      QUEUES.sessionRevocation,
      'revoke',
      data,
      `revoke:${userId}:${reason}`,
      options.wait ?? true,
    );
  }

  private async run<T>(
    queue: QueueName,
    name: string,
    data: object,
    dedupe: string,
    wait = true,
  ): Promise<JobOutcome<T>> {
    const job = await this.queues[queue].add(name, data, { deduplication: { id: dedupe } });
    const jobId = `${queue}:${job.id}`;
    if (!wait || this.config.jobs.waitMs === 0) return { state: 'pending', jobId };
    try {
      const value = (await job.waitUntilFinished(this.events[queue], this.config.jobs.waitMs)) as T;
      return { state: 'completed', value, jobId };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (WAIT_TIMED_OUT.test(message)) return { state: 'pending', jobId };
      const refusal = parseRefusal(message);
      return refusal ? { state: 'refused', ...refusal, jobId } : { state: 'failed', detail: message, jobId };
    }
  }

  // A public id is "<queue>:<BullMQ's numeric id>"; anything else (deactivation:meta, :events,
  // :wait, …) would read one of BullMQ's own keys as a job, so it is no job without a Redis call.
  async getJob(publicId: string): Promise<JobView | null> {
    const match = /^([a-z-]+):([1-9][0-9]{0,15})$/.exec(publicId);
    const queue = match?.[1] as QueueName | undefined;
    if (!match || !queue || !QUEUE_NAMES.includes(queue)) return null;
    const job: Job | undefined = await this.queues[queue].getJob(match[2]!);
    if (!job) return null;
    const state = await job.getState();
    return {
      id: publicId,
      queue,
      state,
      createdAt: new Date(job.timestamp).toISOString(),
      finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
      attemptsMade: job.attemptsMade,
      progress: job.progress,
      result: job.returnvalue ?? null,
      failure:
        state === 'failed'
          ? (parseRefusal(job.failedReason) ?? { code: 'job_failed', detail: job.failedReason })
          : null,
    };
  }

  async close(): Promise<void> {
    // Bounded: with Redis gone, BullMQ's close would wait for it forever.
    await withinTime(
      Promise.all([...Object.values(this.events), ...Object.values(this.queues)].map((c) => c.close())),
      3000,
    );
    await Promise.all([this.connection, ...this.eventConnections].map((c) => closeRedis(c)));
  }
}
