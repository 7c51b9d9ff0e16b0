import { expect } from 'chai';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../../config/index.js';
import { Directory } from '../../src/directory/index.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { bullPrefix, QUEUES } from '../../src/jobs/queues.js';
import { connect, deletePrefix, keysMatching, testPrefix, REDIS_URL } from '../support/redis.js';
import { makeAdmin, makeUser, as } from '../support/factories.js';
import { spawnWorker, workerReady, exitOf } from '../support/worker-process.js';

const SESSIONS = 40_000;

describe('workers: real processes @slow', function () {
  this.timeout(90_000);
  const prefix = testPrefix('workers');
  const env = {
    REDIS_URL,
    REDIS_PREFIX: prefix,
    JOB_LOCK_MS: '1000',
    JOB_STALLED_INTERVAL_MS: '500',
    WORKER_SHUTDOWN_TIMEOUT_MS: '20000',
  };
  // The producer side only enqueues here (JOB_WAIT_MS=0): the tests watch the job themselves.
  const config = loadConfig({ ...env, JOB_WAIT_MS: '0' });
  const redis = connect();
  const directory = new Directory(redis, { prefix, session: { idleTtlSeconds: 3600, maxTtlSeconds: 7200 } });
  let jobs: JobRunner;
  let events: QueueEvents;
  // BullMQ never closes a connection it was handed: this one is closed below, or mocha would not exit.
  const eventsConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });

  before(async () => {
    jobs = new JobRunner(config);
    events = new QueueEvents(QUEUES.deactivation, { connection: eventsConnection, prefix: bullPrefix(prefix) });
    await events.waitUntilReady();
  });
  after(async () => {
    await events.close();
    eventsConnection.disconnect();
    await jobs.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  /** A user with many sessions, so that revoking them takes long enough to interrupt. */
  async function busyUser() {
    const user = await makeUser(directory);
    for (let i = 0; i < SESSIONS; i += 2000) {
      await Promise.all(Array.from({ length: 2000 }, () => directory.createSession(user.id, 'full')));
    }
    return user;
  }

  const firstProgress = (jobId: string) =>
    new Promise<void>((resolve) => {
      const listener = ({ jobId: id }: { jobId: string }) => {
        if (id === jobId) {
          events.off('progress', listener);
          resolve();
        }
      };
      events.on('progress', listener);
    });

  async function finished(publicId: string) {
    for (let i = 0; i < 300; i++) {
      const job = await jobs.getJob(publicId);
      if (job && (job.state === 'completed' || job.state === 'failed')) return job;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`job ${publicId} did not finish`);
  }

  const auditActions = async (target: string) =>
    (await directory.listAudit({ limit: 200 })).events.filter((e) => e.target === target).map((e) => e.action);

  it('a worker SIGKILLed mid-job has its job finished by another, with the same outcome as one run', async () => {
    const admin = await makeAdmin(directory);
    const user = await busyUser();
    const first = spawnWorker(env);
    await workerReady(first);

    await directory.deactivateUser(user.id, as(admin));
    const pending = await jobs.cleanUpAfterDeactivation(user.id, as(admin));
    const jobId = pending.jobId.split(':')[1]!;
    await firstProgress(jobId);
    first.kill('SIGKILL');
    await exitOf(first);
    expect((await jobs.getJob(pending.jobId))?.state).to.equal('active');

    const second = spawnWorker(env);
    try {
      await workerReady(second);
      const job = await finished(pending.jobId);
      expect(job.result).to.include({ userId: user.id, deleted: false });
      expect((await directory.getUser(user.id))?.status).to.equal('inactive');
      expect((await directory.getUser(user.id))?.activeSessions).to.equal(0);
      expect(await redis.exists(directory.keys.userSessions(user.id))).to.equal(0);
      expect(await keysMatching(redis, directory.keys.session('*'))).to.deep.equal([]);
      expect((await auditActions(user.id)).filter((a) => a === 'user.deactivated')).to.have.length(1);
    } finally {
      second.kill('SIGTERM');
      await exitOf(second);
    }
  });

  it('on SIGTERM a worker stops taking jobs, finishes the one in hand, and exits 0', async () => {
    const admin = await makeAdmin(directory);
    const user = await busyUser();
    const worker = spawnWorker(env);
    await workerReady(worker);
    await directory.deactivateUser(user.id, as(admin));
    const pending = await jobs.cleanUpAfterDeactivation(user.id, as(admin));
    await firstProgress(pending.jobId.split(':')[1]!);
    worker.kill('SIGTERM');
    expect(await exitOf(worker)).to.equal(0);
    const job = await jobs.getJob(pending.jobId);
    expect(job?.state).to.equal('completed');
    expect(job?.result).to.deep.include({ sessionsRevoked: SESSIONS });
    expect((await directory.getUser(user.id))?.activeSessions).to.equal(0);
  });
});
