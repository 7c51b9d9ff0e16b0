import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Directory, hashToken, type Actor, type NewUser } from '../src/directory/index.js';
import { JobRunner } from '../src/jobs/job-runner.js';
import { QUEUES, bullPrefix, jobOptions, type DeactivationJob } from '../src/jobs/queues.js';
import { createRedis, type RedisClient } from '../src/redis/connection.js';
import type { BenchOutcome } from './run.js';
import { startBaseline } from './support/baseline-server.js';
import { checkStop, envInt } from './support/control.js';
import { BENCH_REDIS_URL, connect, infoField } from './support/redis.js';
import { environmentLine, fmtInt, fmtMs, ratioTarget } from './support/report.js';
import { withResources, type BenchProcess, type Resources } from './support/resources.js';
import { benchConfig, envMatching, startService } from './support/service.js';
import { median, nowMs, runBounded, summarize } from './support/stats.js';
import { fakeArgon2idHash, fakeUsers } from './support/users.js';

// Deactivation: from an admin's POST /api/v1/users/:id/deactivate until every session of the user
// is gone, and how many deactivation jobs one worker process gets through a second.
//
//  1. Latency. The real server in this process, the workers in their own process (`src/cli/main.ts
//     worker` on the same prefix), as deployed. Each user is deactivated once, one request at a
//     time; the time runs until the answer if it was 200 and the user's session index and keys were
//     gone by then, else until a poll finds them gone. Judged: the 1-session p99 over the p99 of the
//     bare route (support/baseline-server.ts, its own process) read just before each deactivation;
//     the p99 with BENCH_DEACT_BIG_SESSIONS sessions over the 1-session p99.
//  2. Throughput. Users deactivated (their sessions ended), then one clean-up job each added to the
//     paused queue through JobRunner; the queue is resumed and timed until it is drained. Baseline:
//     a BullMQ no-op worker (support/noop-worker.ts, its own process) on a queue of its own, same
//     options and procedure. Passes alternate; the first of each is a warm-up; the median counts.
//
//   BENCH_DEACT_USERS 1-session users (200), after BENCH_DEACT_WARMUP (20)
//   BENCH_DEACT_BIG_USERS users (5) with BENCH_DEACT_BIG_SESSIONS sessions each (10000)
//   BENCH_DEACT_JOBS jobs a throughput pass (2000), BENCH_DEACT_PASSES passes of each kind (3)
// JOB_* and WORKER_* variables are passed to the service as it would read them.

const SYSTEM: Actor = { source: 'system' };
/** 1-session deactivation p99 over the bare route's: a job's round trip between two processes. */
const ONE_SESSION_RATIO = 50;
/** Many-session over 1-session p99: the former 1,000 ms over 50 ms. */
const BIG_RATIO = 20;
/** Deactivation jobs/s over no-op jobs/s, one worker process each. */
const JOBS_RATIO = 0.25;
const NOOP_QUEUE = 'bench-noop';
const SETUP_CONCURRENCY = 32;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (message = '') => console.log(message);

const readConfig = () => ({
  users: envInt('BENCH_DEACT_USERS', 200),
  warmup: envInt('BENCH_DEACT_WARMUP', 20),
  bigUsers: envInt('BENCH_DEACT_BIG_USERS', 5),
  bigSessions: envInt('BENCH_DEACT_BIG_SESSIONS', 10_000),
  jobs: envInt('BENCH_DEACT_JOBS', 2000),
  passes: envInt('BENCH_DEACT_PASSES', 3),
});
type BenchConfig = ReturnType<typeof readConfig>;

/** A worker process (`args` run by node --import tsx), stopped with SIGTERM at release. */
function spawnWorker(label: string, args: string[], env: NodeJS.ProcessEnv): BenchProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, REDIS_URL: BENCH_REDIS_URL };
  delete childEnv.REDIS_CLUSTER_NODES;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: childEnv,
    stdio: ['pipe', 'ignore', 'inherit'], // the no-op worker exits when its stdin ends
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    label,
    kill: () => void (running() && child.kill('SIGKILL')),
    async stop() {
      if (!running()) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits until `queue` has a worker (BullMQ names its connections), or fails after a minute. */
async function workerReady(queue: Queue): Promise<void> {
  for (const deadline = nowMs() + 60_000; (await queue.getWorkersCount()) === 0; await sleep(50)) {
    checkStop();
    if (nowMs() > deadline) throw new Error(`no worker on ${queue.name} within 60 s`);
  }
}

export async function run(): Promise<BenchOutcome> {
  const cfg = readConfig();
  return withResources(connect(), (res) => bench(cfg, res));
}

interface BenchUser {
  id: string;
  sessionKeys: string[];
}

async function bench(cfg: BenchConfig, res: Resources): Promise<BenchOutcome> {
  const service = await startService(res, 'deact', envMatching(/^(JOB_|WORKER_)/));
  const { config, scope } = service;
  const keys = service.runtime.directory.keys;
  log(
    `deactivation: ${cfg.users} users with 1 session, ${cfg.bigUsers} with ${fmtInt(cfg.bigSessions)}; ` +
      `${fmtInt(cfg.jobs)} jobs × ${cfg.passes} passes; WORKER_CONCURRENCY ${config.jobs.concurrency}`,
  );
  log(environmentLine((await infoField(res.redis, 'server', 'redis_version')) ?? '?'));

  // The bench's own connection, for setup and checks.
  const redis = createRedis(config);
  res.onRelease('the setup connection', () => redis.quit());
  const directory = new Directory(redis, { prefix: scope.prefix, session: config.session });
  const people = fakeUsers(1 + cfg.warmup + cfg.users + cfg.bigUsers + (cfg.passes + 1) * cfg.jobs, {
    adminShare: 0,
    inactiveShare: 0,
    seed: 7,
  });
  const take = (n: number) => people.splice(0, n);
  const createUsers = (batch: NewUser[], sessionsEach: number) => withSessions(directory, batch, sessionsEach);

  const admin = await directory.createUser({ ...take(1)[0]!, role: 'admin', passwordHash: fakeArgon2idHash() }, SYSTEM);
  const { token } = await directory.createSession(admin.id, 'full');
  const adminActor: Actor = { actorId: admin.id, source: 'admin-api' };

  // ------------------------------------------------------------------ 1. latency over HTTP
  const prefix = bullPrefix(scope.prefix);
  const bull = createRedis(config, { forBullmq: true });
  res.onRelease('the BullMQ connection', () => bull.quit());
  const queue = (name: string) => {
    const q = new Queue(name, { connection: bull, prefix, defaultJobOptions: jobOptions(config.jobs.attempts) });
    res.onRelease(`the ${name} queue`, () => q.close());
    return q;
  };
  const [deactivations, noops] = [queue(QUEUES.deactivation), queue(NOOP_QUEUE)];
  res.process(
    spawnWorker('the worker process', ['src/cli/main.ts', 'worker'], { REDIS_PREFIX: scope.prefix, LOG_LEVEL: 'info' }),
  );
  await workerReady(deactivations);
  const baseline = await startBaseline(res);
  const small = await createUsers(take(cfg.warmup + cfg.users), 1);
  const big = await createUsers(take(cfg.bigUsers), cfg.bigSessions);
  const api = { url: service.server.url, token, bareUrl: `${baseline.url}${baseline.op.path}` };
  const samples = async (users: BenchUser[]) => {
    const out: { bareMs: number; ms: number }[] = [];
    for (const user of users) out.push(await deactivateAndVerify(api, redis, keys, user));
    return { bare: summarize(out.map((s) => s.bareMs)), deactivate: summarize(out.map((s) => s.ms)) };
  };
  await samples(small.slice(0, cfg.warmup));
  const one = await samples(small.slice(cfg.warmup));
  const many = await samples(big);
  await service.close(); // its QueueEvents readers are not part of the throughput passes

  // ------------------------------------------------------------------ 2. throughput of one worker
  res.process(
    spawnWorker('the no-op worker', ['bench/support/noop-worker.ts'], {
      REDIS_PREFIX: scope.prefix,
      BENCH_NOOP_QUEUE: NOOP_QUEUE,
    }),
  );
  await workerReady(noops);
  // The producer as the server has it, answering at once (JOB_WAIT_MS=0: the queue is paused).
  const runner = new JobRunner(benchConfig(scope.prefix, { ...envMatching(/^(JOB_|WORKER_)/), JOB_WAIT_MS: '0' }));
  res.onRelease('the job producer', () => runner.close());
  let noopSeq = 0;
  const realPass = async () => {
    const users = await createUsers(take(cfg.jobs), 1);
    // The request deactivates (and ends the sessions); the job measured here cleans up after it.
    await runBounded(users.length, SETUP_CONCURRENCY, (i) => directory.deactivateUser(users[i]!.id, adminActor));
    const rate = await drainRate(deactivations, users.length, (i) =>
      runner.cleanUpAfterDeactivation(users[i]!.id, adminActor),
    );
    const left = await Promise.all(users.map((u) => redis.exists(keys.userSessions(u.id), ...u.sessionKeys)));
    if (left.some((n) => n > 0)) throw new Error('a deactivation job left session keys');
    return rate;
  };
  const noopPass = () =>
    drainRate(noops, cfg.jobs, (i) => {
      const data: DeactivationJob = { userId: `noop-${++noopSeq}-${i}`, ...adminActor };
      return noops.add('clean-up-deactivation', data, { deduplication: { id: `noop:${data.userId}` } });
    });
  const rates = { real: [] as number[], noop: [] as number[], failed: 0 };
  for (let pass = 0; pass <= cfg.passes; pass++) {
    const noopFirst = pass % 2 === 1;
    const n = noopFirst ? await noopPass() : undefined;
    const r = await realPass();
    const noop = n ?? (await noopPass());
    if (pass === 0) continue; // the warm-up
    rates.real.push(r.perSecond);
    rates.noop.push(noop.perSecond);
    rates.failed += r.failed + noop.failed;
    log(`pass ${pass}: deactivation ${fmtInt(r.perSecond)} jobs/s, no-op ${fmtInt(noop.perSecond)} jobs/s`);
  }

  const sessions = `${fmtInt(cfg.bigSessions)} sessions`;
  const medians = [one.bare, one.deactivate, many.deactivate].map((x) => fmtMs(x.medianMs));
  log(
    `median ms: bare route ${medians[0]}; deactivate until the sessions are gone, 1 session ${medians[1]}, ${sessions} ${medians[2]}`,
  );
  return {
    targets: [
      ratioTarget(
        'deactivate, 1 session: p99 / bare p99',
        one.deactivate.p99Ms,
        one.bare.p99Ms,
        { atMost: ONE_SESSION_RATIO },
        'ms',
      ),
      ratioTarget(
        `deactivate, ${sessions}: p99 / 1 session p99`,
        many.deactivate.p99Ms,
        one.deactivate.p99Ms,
        { atMost: BIG_RATIO },
        'ms',
      ),
      ratioTarget(
        `deactivation jobs/s / BullMQ no-op jobs/s, concurrency ${config.jobs.concurrency}`,
        median(rates.real),
        median(rates.noop),
        { atLeast: JOBS_RATIO },
        'jobs/s',
        rates.failed,
      ),
    ],
    figures: { config: cfg, latency: { one, many }, throughput: rates },
  };
}

/** Users with `sessionsEach` sessions each, through the directory. */
async function withSessions(directory: Directory, people: NewUser[], sessionsEach: number): Promise<BenchUser[]> {
  const users: BenchUser[] = [];
  await runBounded(people.length, SETUP_CONCURRENCY, async (i) => {
    users.push({ id: (await directory.createUser(people[i]!, SYSTEM)).id, sessionKeys: [] });
  });
  await runBounded(users.length * sessionsEach, SETUP_CONCURRENCY, async (j) => {
    const user = users[j % users.length]!;
    user.sessionKeys.push(directory.keys.session(hashToken((await directory.createSession(user.id, 'full')).token)));
  });
  return users;
}

/** Session keys of the user still there, and the user's session index. */
async function sessionsLeft(redis: RedisClient, keys: Directory['keys'], user: BenchUser): Promise<number> {
  let left = await redis.exists(keys.userSessions(user.id));
  for (let i = 0; i < user.sessionKeys.length; i += 1000)
    left += await redis.exists(...user.sessionKeys.slice(i, i + 1000));
  return left;
}

async function timed(url: string, init: RequestInit = {}) {
  const t = nowMs();
  const answer = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  const text = await answer.text();
  return { status: answer.status, text, ms: nowMs() - t };
}

/** GET the bare route (the baseline), then deactivate the user and time until every session of theirs is gone. */
async function deactivateAndVerify(
  api: { url: string; token: string; bareUrl: string },
  redis: RedisClient,
  keys: Directory['keys'],
  user: BenchUser,
): Promise<{ bareMs: number; ms: number }> {
  checkStop();
  const bare = await timed(api.bareUrl);
  if (bare.status !== 200) throw new Error(`GET ${api.bareUrl}: ${bare.status}`);
  const started = nowMs();
  const post = await timed(`${api.url}/api/v1/users/${user.id}/deactivate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.token}` },
  });
  if (post.status !== 200 && post.status !== 202) throw new Error(`deactivate answered ${post.status}: ${post.text}`);
  if (post.status === 200 && !post.text.includes('"status":"inactive"')) throw new Error(`deactivate: ${post.text}`);
  let ms = post.ms;
  if (post.status !== 200 || (await sessionsLeft(redis, keys, user)) > 0) {
    while ((await sessionsLeft(redis, keys, user)) > 0) {
      checkStop();
      if (nowMs() - started > 120_000) throw new Error(`user ${user.id}: sessions left 120 s after deactivation`);
      await sleep(2);
    }
    ms = nowMs() - started;
  }
  return { bareMs: bare.ms, ms };
}

/**
 * One throughput pass: pause the queue, add n jobs, resume, and time until nothing is waiting,
 * active or delayed (retries included); answers jobs/s and how many failed.
 */
async function drainRate(queue: Queue, n: number, add: (i: number) => Promise<unknown>) {
  checkStop();
  await queue.pause();
  const failedBefore = (await queue.getJobCounts('failed')).failed ?? 0;
  await runBounded(n, 64, add);
  const queued = await queue.getJobCounts('wait', 'prioritized');
  if (Object.values(queued).reduce((a, b) => a + b, 0) !== n)
    throw new Error(`${queue.name}: ${JSON.stringify(queued)} queued, expected ${n}`);
  const t0 = nowMs();
  await queue.resume();
  for (;;) {
    const counts = await queue.getJobCounts('wait', 'prioritized', 'active', 'delayed');
    if (Object.values(counts).every((c) => c === 0)) break;
    checkStop();
    if (nowMs() - t0 > Math.max(60_000, n * 20))
      throw new Error(`${queue.name} not drained: ${JSON.stringify(counts)}`);
    await sleep(5);
  }
  const ms = nowMs() - t0;
  return { perSecond: n / (ms / 1000), failed: ((await queue.getJobCounts('failed')).failed ?? 0) - failedBefore };
}
