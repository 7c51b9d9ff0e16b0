import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadConfig, type Config } from '../config/index.js';
import { Directory, hashToken, type Actor, type NewUser } from '../src/directory/index.js';
import { directoryKeys, type DirectoryKeys } from '../src/directory/keys.js';
import { JobRunner } from '../src/jobs/job-runner.js';
import { QUEUES, bullPrefix, jobOptions, type DeactivationJob } from '../src/jobs/queues.js';
import { createLogger } from '../src/logger.js';
import { createRedis, type RedisClient } from '../src/redis/connection.js';
import { openRuntime, startServer } from '../src/runtime.js';
import type { BenchOutcome } from './run.js';
import { startBaseline } from './support/baseline-server.js';
import { BenchInterrupted, checkStop, envBool, envInt, stopRequested } from './support/control.js';
import { BENCH_REDIS_URL, connect, infoField } from './support/redis.js';
import { environmentLine, fmtInt, fmtMs, ratioTarget, table } from './support/report.js';
import { withResources, type BenchProcess, type Resources } from './support/resources.js';
import { median, nowMs, runBounded, summarize, type Summary } from './support/stats.js';
import { fakeArgon2idHash, fakeUsers } from './support/users.js';

// Deactivation: how long from an admin's POST /api/v1/users/:id/deactivate until every session
// of the user is gone, and how many deactivation jobs one worker gets through a second.
//
//  1. Latency. The real HTTP server in this process (openRuntime + startServer, port 0, its own
//     prefix) and the job workers as a separate `node --import tsx src/cli/main.ts worker`
//     process on the same prefix, as the service is deployed: the worker's CPU is then not
//     on the server's event loop, and the job goes through Redis between two processes as it
//     does in production. Users with 1 session (BENCH_DEACT_USERS of them) and with
//     BENCH_DEACT_BIG_SESSIONS sessions (BENCH_DEACT_BIG_USERS) are each deactivated once by
//     an admin over HTTP, one request at a time. The route answers 200 only once the job
//     completed, so the end-to-end time is the HTTP latency; after each answer the bench checks
//     that the user's sessions index and every one of their session keys are really gone (if
//     they were not, it polls until they are and takes that time instead). Same-run baseline:
//     GET of the bare route (support/baseline-server.ts, its own process) by the same client just
//     before each deactivation, judged p99 over p99; the many-session users are judged against
//     the 1-session ones (what 10,000 sessions add). GET /api/v1/users/:id is shown beside them.
//  2. Throughput. Per worker concurrency (WORKER_CONCURRENCY as the service reads it, default
//     10; and 1): the deactivation queue is paused, N deactivation jobs (N distinct users with
//     1 session each) are added through JobRunner, then the queue is resumed and one worker
//     process drains it; jobs/s = N / (resume -> N-th 'completed' event). Baseline: a BullMQ
//     no-op processor (bench/support/noop-worker.ts, also its own process) on a separate queue
//     under the same prefix, same worker options, same job options, same procedure. Passes
//     alternate real/no-op to spread drift; each worker process first runs a warm-up batch; the
//     median pass counts. The real worker runs at LOG_LEVEL=info, the service's default, so it
//     logs a line per job (part of its real cost); the no-op worker logs nothing.
//
//   BENCH_DEACT_USERS              1-session users deactivated (default 200)
//   BENCH_DEACT_WARMUP             1-session deactivations before those, not counted (default 20)
//   BENCH_DEACT_BIG_USERS          users with many sessions deactivated (default 5)
//   BENCH_DEACT_BIG_SESSIONS       sessions of each of those (default 10000)
//   BENCH_DEACT_JOBS               jobs per throughput pass (default 2000)
//   BENCH_DEACT_PASSES             throughput passes per worker kind and concurrency (default 5)
//   BENCH_DEACT_JOBS_WARMUP        warm-up jobs per worker process and kind (default 1000)
//   BENCH_DEACT_CONCURRENCY_ONE    also measure throughput at concurrency 1 (default true)
//   BENCH_DEACT_SETUP_CONCURRENCY  createUser/createSession calls in flight during setup (default 32)
// JOB_* and WORKER_* variables are passed to the service's configuration as it would read them.

const SYSTEM: Actor = { source: 'system' };
/** 1-session deactivation p99 over the bare route's: a job's round trip between two processes. */
const ONE_SESSION_RATIO = 50;
/** Many-session over 1-session p99: the former 1,000 ms over 50 ms. */
const BIG_RATIO = 20;
/** Deactivation jobs/s over no-op jobs/s, one worker process each. */
const JOBS_RATIO = 0.25;
const REQUEST_TIMEOUT_MS = 60_000;
const GONE_TIMEOUT_MS = 120_000;
const ENQUEUE_CONCURRENCY = 64;
const NOOP_QUEUE = 'bench-noop';
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const NOOP_SCRIPT = fileURLToPath(new URL('./support/noop-worker.ts', import.meta.url));

function readConfig() {
  return {
    users: envInt('BENCH_DEACT_USERS', 200),
    warmup: envInt('BENCH_DEACT_WARMUP', 20),
    bigUsers: envInt('BENCH_DEACT_BIG_USERS', 5),
    bigSessions: envInt('BENCH_DEACT_BIG_SESSIONS', 10_000),
    jobs: envInt('BENCH_DEACT_JOBS', 2000),
    passes: envInt('BENCH_DEACT_PASSES', 5),
    jobsWarmup: envInt('BENCH_DEACT_JOBS_WARMUP', 1000),
    concurrencyOne: envBool('BENCH_DEACT_CONCURRENCY_ONE', true),
    setupConcurrency: envInt('BENCH_DEACT_SETUP_CONCURRENCY', 32),
  };
}
type BenchConfig = ReturnType<typeof readConfig>;

const log = (message = '') => console.log(message);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Child processes: the real worker (src/cli/main.ts worker) and the no-op baseline worker.

class WorkerProcess implements BenchProcess {
  readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private isReady = false;
  private stopping = false;
  exitError: Error | undefined;
  readonly warnings: string[] = [];

  constructor(
    readonly label: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    private readonly marker: string,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: PROJECT_ROOT,
      env,
      // The no-op worker exits when its stdin ends (this process went away); the real one ignores it.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let buffered = '';
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) this.onLine(line);
    });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) this.remember(`stderr: ${line}`);
    });
    this.child.stdin!.on('error', () => undefined);
    this.child.on('exit', (code, signal) => {
      if (!this.stopping) {
        this.exitError ??= new Error(
          `${this.label} exited unexpectedly (code ${code}, signal ${signal}); last output:\n  ${this.tail.join('\n  ')}`,
        );
      }
    });
    this.child.on('error', (error) => {
      this.exitError ??= error;
    });
  }

  get pid() {
    return this.child.pid;
  }

  private remember(line: string) {
    this.tail.push(line.slice(0, 400));
    if (this.tail.length > 20) this.tail.shift();
  }

  private onLine(line: string) {
    if (line.includes(this.marker)) this.isReady = true;
    if (line.includes('"job completed"')) return;
    // pino: 40 warn, 50 error, 60 fatal
    if (/"level":(40|50|60)/.test(line) && this.warnings.length < 20) this.warnings.push(line.slice(0, 400));
    this.remember(line);
  }

  async ready(timeoutMs = 60_000): Promise<void> {
    const deadline = nowMs() + timeoutMs;
    while (!this.isReady) {
      this.check();
      if (nowMs() > deadline)
        throw new Error(`${this.label}: not ready within ${timeoutMs} ms; last output:\n  ${this.tail.join('\n  ')}`);
      await sleep(20);
    }
  }

  /** Throws if a stop was requested or the process died. */
  check(): void {
    if (stopRequested()) throw new BenchInterrupted(`stopped (${this.label} running)`);
    if (this.exitError) throw this.exitError;
  }

  /** Outright, if it still runs (this process is exiting without having stopped it). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** SIGTERM (the worker finishes what it holds and exits), then SIGKILL if it takes too long. */
  async stop(timeoutMs = 20_000): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}

/** The real worker (`src/cli/main.ts worker`, at LOG_LEVEL info, the service's default: its 'workers started' line) or the no-op one. */
function spawnWorker(kind: 'real' | 'noop', prefix: string, concurrency: number): WorkerProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: BENCH_REDIS_URL,
    REDIS_PREFIX: prefix,
    WORKER_CONCURRENCY: String(concurrency),
  };
  delete env.REDIS_CLUSTER_NODES;
  if (kind === 'real') {
    return new WorkerProcess(
      `worker process (concurrency ${concurrency})`,
      ['src/cli/main.ts', 'worker'],
      { ...env, LOG_LEVEL: 'info' },
      '"workers started"',
    );
  }
  return new WorkerProcess(
    `no-op worker process (concurrency ${concurrency})`,
    [NOOP_SCRIPT],
    { ...env, BENCH_NOOP_QUEUE: NOOP_QUEUE },
    'noop worker started',
  );
}

// ---------------------------------------------------------------------------------------------

export async function run(): Promise<BenchOutcome> {
  const cfg = readConfig();
  return withResources(connect(), (res) => bench(cfg, res.redis, res));
}

interface BenchUser {
  id: string;
  sessionKeys: string[];
}

interface Sample {
  userId: string;
  sessions: number;
  /** GET of the bare route just before, same client (the baseline). */
  bareMs: number;
  /** GET /api/v1/users/:id just before, same user, same admin (shown beside it). */
  getMs: number;
  status: number;
  /** POST …/deactivate until its answer was read. */
  httpMs: number;
  /** The answer was 200 and the check right after it found no session of the user left. */
  goneAtAnswer: boolean;
  /** POST until the sessions were gone: httpMs when goneAtAnswer, else when polling first found them gone. */
  endToEndMs: number;
}

interface PassResult {
  kind: 'deactivation' | 'noop';
  concurrency: number;
  pass: number;
  jobs: number;
  enqueueMs: number;
  enqueuePerSecond: number;
  wallMs: number;
  jobsPerSecond: number;
  failed: number;
}

async function bench(cfg: BenchConfig, redis: Redis, res: Resources): Promise<BenchOutcome> {
  const redisVersion = (await infoField(redis, 'server', 'redis_version')) ?? '?';
  const scope = await res.prefix('deact');
  const keys = directoryKeys(scope.prefix);

  // The service's configuration as it would read it (JOB_*, WORKER_* from the environment).
  const serviceEnv = Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => /^(JOB_|WORKER_)/.test(e[0]) && !!e[1]),
  );
  const baseEnv = {
    ...serviceEnv,
    REDIS_URL: BENCH_REDIS_URL,
    REDIS_PREFIX: scope.prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  };
  const config: Config = loadConfig(baseEnv);
  const defaultConcurrency = config.jobs.concurrency;
  const concurrencies = cfg.concurrencyOne && defaultConcurrency !== 1 ? [defaultConcurrency, 1] : [defaultConcurrency];

  log(
    `deactivation: ${cfg.users} users with 1 session (+${cfg.warmup} warm-up), ${cfg.bigUsers} users with ` +
      `${fmtInt(cfg.bigSessions)} sessions; throughput: ${fmtInt(cfg.jobs)} jobs × ${cfg.passes} passes at concurrency ` +
      `${concurrencies.join(' and ')}`,
  );
  log(
    `service config: JOB_WAIT_MS ${config.jobs.waitMs}, WORKER_CONCURRENCY ${defaultConcurrency}, JOB_ATTEMPTS ${config.jobs.attempts}`,
  );
  log(environmentLine(redisVersion));
  log(`prefix: ${scope.prefix} (keys ${scope.pattern})`);

  // The bench's own connection for setup and checks; the server has its runtime's.
  const setupRedis = createRedis(config);
  res.onRelease('the setup connection', () => setupRedis.quit().catch(() => setupRedis.disconnect()));
  const setupDirectory = new Directory(setupRedis, {
    prefix: scope.prefix,
    session: config.session,
    auditMaxEvents: config.audit.maxEvents,
  });

  // Every user of the run from one list: fakeUsers' emails are unique within one call only.
  const throughputUsers = concurrencies.length * (cfg.passes * cfg.jobs + cfg.jobsWarmup);
  const people = fakeUsers(cfg.warmup + cfg.users + cfg.bigUsers + throughputUsers, {
    adminShare: 0,
    inactiveShare: 0,
    seed: 7,
  });
  let taken = 0;
  const take = (n: number) => {
    const slice = people
      .slice(taken, taken + n)
      .map((p) => ({ ...p, role: 'user' as const, status: 'active' as const }));
    taken += n;
    return slice;
  };

  // The admin who deactivates, signed in through a session made directly (as the tests do).
  const adminUser = await setupDirectory.createUser(
    {
      name: 'Bench Admin',
      email: `bench-admin-${scope.prefix}@bench.test`,
      role: 'admin',
      kind: 'password',
      passwordHash: fakeArgon2idHash(),
    },
    SYSTEM,
  );
  const { token: adminToken } = await setupDirectory.createSession(adminUser.id, 'full');
  const adminActor: Actor = { actorId: adminUser.id, source: 'admin-api' };

  // ------------------------------------------------------------------ 1. latency over HTTP
  const runtime = openRuntime(config, createLogger('silent'), { jobs: true });
  const closeRuntime = res.onRelease('the runtime', () => runtime.close());
  const server = await startServer(runtime);
  const closeServer = res.onRelease('the server', () => server.close());
  const defaultWorker = res.process(spawnWorker('real', scope.prefix, defaultConcurrency));
  await defaultWorker.ready();
  const baseline = await startBaseline(res);
  log(
    `server: ${server.url} (this process, pid ${process.pid}); workers: separate process pid ${defaultWorker.pid}, ` +
      `concurrency ${defaultConcurrency}; baseline ${baseline.url} (pid ${baseline.pid})`,
  );

  let t = nowMs();
  const small = await createUsers(
    setupDirectory,
    keys,
    take(cfg.warmup + cfg.users),
    1,
    cfg.setupConcurrency,
    setupRedis,
  );
  log(`created ${fmtInt(small.length)} users with 1 session each in ${fmtMs(nowMs() - t)} ms`);
  t = nowMs();
  const big = await createUsers(
    setupDirectory,
    keys,
    take(cfg.bigUsers),
    cfg.bigSessions,
    cfg.setupConcurrency,
    setupRedis,
  );
  const bigSessionsTotal = cfg.bigUsers * cfg.bigSessions;
  const bigSetupMs = nowMs() - t;
  log(
    `created ${fmtInt(big.length)} users with ${fmtInt(cfg.bigSessions)} sessions each in ${fmtMs(bigSetupMs)} ms ` +
      `(${fmtInt(bigSessionsTotal / (bigSetupMs / 1000))} sessions/s)`,
  );

  const api = { url: server.url, token: adminToken, bareUrl: `${baseline.url}${baseline.op.path}` };
  for (const user of small.slice(0, cfg.warmup)) await deactivateAndVerify(api, setupRedis, keys, user);
  const smallSamples: Sample[] = [];
  for (const user of small.slice(cfg.warmup)) smallSamples.push(await deactivateAndVerify(api, setupRedis, keys, user));
  const bigSamples: Sample[] = [];
  for (const user of big) {
    const sample = await deactivateAndVerify(api, setupRedis, keys, user);
    bigSamples.push(sample);
    log(
      `  ${fmtInt(cfg.bigSessions)} sessions: bare ${fmtMs(sample.bareMs)} ms, deactivate ${sample.status} in ` +
        `${fmtMs(sample.httpMs)} ms, sessions gone ${sample.goneAtAnswer ? 'at the answer' : `after ${fmtMs(sample.endToEndMs)} ms`}`,
    );
  }
  const lat = {
    small: latencySummaries(smallSamples),
    big: latencySummaries(bigSamples),
  };
  log(
    `1 session: deactivate median ${fmtMs(lat.small.endToEnd.medianMs)} ms, p99 ${fmtMs(lat.small.endToEnd.p99Ms)} ms; ` +
      `bare baseline median ${fmtMs(lat.small.bare.medianMs)} ms`,
  );

  // The server is done: close it, so that its QueueEvents readers do not run during the throughput passes.
  await closeServer();
  await closeRuntime();

  // ------------------------------------------------------------------ 2. throughput of one worker
  const bullConnection = createRedis(config, { forBullmq: true });
  res.onRelease('the BullMQ connection', () => bullConnection.quit().catch(() => bullConnection.disconnect()));
  const prefix = bullPrefix(scope.prefix);
  const deactivationQueue = new Queue(QUEUES.deactivation, { connection: bullConnection, prefix });
  const noopQueue = new Queue(NOOP_QUEUE, {
    connection: bullConnection,
    prefix,
    defaultJobOptions: jobOptions(config.jobs.attempts),
  });
  res.onRelease('the deactivation queue', () => deactivationQueue.close());
  res.onRelease('the no-op queue', () => noopQueue.close());
  const newEvents = async (name: string) => {
    const connection = createRedis(config, { forBullmq: true });
    res.onRelease(`the ${name} events connection`, () => connection.quit().catch(() => connection.disconnect()));
    const events = new QueueEvents(name, { connection, prefix });
    res.onRelease(`the ${name} queue events`, () => events.close());
    await events.waitUntilReady();
    return events;
  };
  const deactivationEvents = await newEvents(QUEUES.deactivation);
  const noopEvents = await newEvents(NOOP_QUEUE);
  // The producer as the server has it, but answering at once (JOB_WAIT_MS=0): a queue paused
  // for the measurement would otherwise hold every add for JOB_WAIT_MS.
  const enqueueConfig = loadConfig({ ...baseEnv, JOB_WAIT_MS: '0' });

  let noopSeq = 0;
  const realPass = async (worker: WorkerProcess, concurrency: number, n: number, pass: number): Promise<PassResult> => {
    const users = await createUsers(setupDirectory, keys, take(n), 1, cfg.setupConcurrency, setupRedis);
    // The request deactivates (and ends the sessions); the job measured here cleans up after it.
    await runBounded(n, ENQUEUE_CONCURRENCY, async (i) => {
      await setupDirectory.deactivateUser(users[i]!.id, adminActor);
    });
    const result = await runPass(deactivationQueue, deactivationEvents, worker, n, setupRedis, async () => {
      const runner = new JobRunner(enqueueConfig);
      try {
        const ids = new Array<string>(n);
        const t0 = nowMs();
        await runBounded(n, ENQUEUE_CONCURRENCY, async (i) => {
          const outcome = await runner.cleanUpAfterDeactivation(users[i]!.id, adminActor);
          if (outcome.state !== 'pending') throw new Error(`enqueue answered ${outcome.state}, expected pending`);
          ids[i] = outcome.jobId.slice(`${QUEUES.deactivation}:`.length);
        });
        return { ids, ms: nowMs() - t0 };
      } finally {
        await runner.close(); // its QueueEvents readers are not part of the measurement
      }
    });
    // Every job did its work: the users are inactive and have no session left.
    const pipeline = setupRedis.pipeline();
    for (const u of users) pipeline.hget(keys.user(u.id), 'status').exists(keys.userSessions(u.id), ...u.sessionKeys);
    const answers = (await pipeline.exec()) ?? [];
    let active = 0;
    let left = 0;
    answers.forEach(([error, value], i) => {
      if (error) throw error;
      if (i % 2 === 0 && value !== 'inactive') active++;
      if (i % 2 === 1) left += Number(value);
    });
    if (active > 0 || left > 0)
      throw new Error(`after the pass: ${active} users still active, ${left} session keys left`);
    return { kind: 'deactivation', concurrency, pass, ...result };
  };
  const noopPass = async (worker: WorkerProcess, concurrency: number, n: number, pass: number): Promise<PassResult> => {
    const result = await runPass(noopQueue, noopEvents, worker, n, setupRedis, async () => {
      const ids = new Array<string>(n);
      const t0 = nowMs();
      await runBounded(n, ENQUEUE_CONCURRENCY, async (i) => {
        // The same payload and deduplication as JobRunner.cleanUpAfterDeactivation.
        const userId = `noop-${++noopSeq}`;
        const data: DeactivationJob = { userId, actorId: adminActor.actorId, source: adminActor.source };
        const job = await noopQueue.add('clean-up-deactivation', data, {
          deduplication: { id: `clean-up-deactivation:${userId}:${adminActor.actorId}` },
        });
        ids[i] = job.id!;
      });
      return { ids, ms: nowMs() - t0 };
    });
    return { kind: 'noop', concurrency, pass, ...result };
  };

  const passes: PassResult[] = [];
  for (const concurrency of concurrencies) {
    const real =
      concurrency === defaultConcurrency ? defaultWorker : res.process(spawnWorker('real', scope.prefix, concurrency));
    const noop = res.process(spawnWorker('noop', scope.prefix, concurrency));
    await Promise.all([real.ready(), noop.ready()]);
    await realPass(real, concurrency, cfg.jobsWarmup, 0);
    await noopPass(noop, concurrency, cfg.jobsWarmup, 0);
    for (let pass = 1; pass <= cfg.passes; pass++) {
      const order = pass % 2 === 1 ? ['deactivation', 'noop'] : ['noop', 'deactivation'];
      for (const kind of order) {
        const r =
          kind === 'noop'
            ? await noopPass(noop, concurrency, cfg.jobs, pass)
            : await realPass(real, concurrency, cfg.jobs, pass);
        passes.push(r);
        log(
          `concurrency ${String(concurrency).padStart(2)}, pass ${pass}, ${kind.padEnd(12)}: ${fmtInt(r.jobs)} jobs in ` +
            `${fmtMs(r.wallMs)} ms = ${fmtInt(r.jobsPerSecond)} jobs/s (enqueued at ${fmtInt(r.enqueuePerSecond)}/s)` +
            (r.failed > 0 ? `, ${r.failed} FAILED` : ''),
        );
      }
    }
    await Promise.all([real.stop(), noop.stop()]);
    for (const w of [real, noop]) {
      if (w.warnings.length > 0) log(`  ${w.label} warned: ${w.warnings.slice(0, 3).join(' | ')}`);
    }
  }

  const throughput = concurrencies.map((concurrency) => {
    const of = (kind: PassResult['kind']) => passes.filter((p) => p.kind === kind && p.concurrency === concurrency);
    const realRates = of('deactivation').map((p) => p.jobsPerSecond);
    const noopRates = of('noop').map((p) => p.jobsPerSecond);
    const failed = of('deactivation').reduce((n, p) => n + p.failed, 0) + of('noop').reduce((n, p) => n + p.failed, 0);
    return { concurrency, realRates, noopRates, realMedian: median(realRates), noopMedian: median(noopRates), failed };
  });

  // ------------------------------------------------------------------ summary
  const notGone = [...smallSamples, ...bigSamples].filter((s) => !s.goneAtAnswer);
  const many = `${fmtInt(cfg.bigSessions)} sessions`;
  const targets = [
    ratioTarget(
      'deactivate, 1 session: POST -> all sessions gone, p99 / bare p99',
      lat.small.endToEnd.p99Ms,
      lat.small.bare.p99Ms,
      { atMost: ONE_SESSION_RATIO },
      'ms',
    ),
    ratioTarget(
      `deactivate, ${many}: POST -> all sessions gone, p99 / 1 session p99`,
      lat.big.endToEnd.p99Ms,
      lat.small.endToEnd.p99Ms,
      { atMost: BIG_RATIO },
      'ms',
    ),
    ...throughput.map((x) =>
      ratioTarget(
        `deactivation jobs/s / BullMQ no-op jobs/s, worker concurrency ${x.concurrency}`,
        x.realMedian,
        x.noopMedian,
        { atLeast: JOBS_RATIO },
        'jobs/s',
        x.failed,
      ),
    ),
  ];

  log();
  log(`=== deactivation summary (worker: separate process; server + HTTP client: this process) ===`);
  const row = (label: string, s: Summary) => [label, fmtInt(s.n), fmtMs(s.medianMs), fmtMs(s.p99Ms), fmtMs(s.maxMs)];
  log(
    table(
      ['latency (ms)', '>n', '>median', '>p99', '>max'],
      [
        row('GET bare route, own process (baseline)', lat.small.bare),
        row('GET /api/v1/users/:id, 1-session users', lat.small.get),
        row('POST …/deactivate, 1 session: HTTP answer', lat.small.http),
        row('POST …/deactivate, 1 session: until sessions gone', lat.small.endToEnd),
        row(`POST …/deactivate, ${many}: HTTP answer`, lat.big.http),
        row(`POST …/deactivate, ${many}: until sessions gone`, lat.big.endToEnd),
      ],
    ),
  );
  log(
    `sessions already gone when the deactivation answered: ${fmtInt(smallSamples.length + bigSamples.length - notGone.length)} ` +
      `of ${fmtInt(smallSamples.length + bigSamples.length)}` +
      (notGone.length > 0
        ? ` (NOT for ${notGone.length}: statuses ${[...new Set(notGone.map((s) => s.status))].join(', ')})`
        : ''),
  );
  log(
    table(
      ['throughput (one worker process)', '>concurrency', '>per pass (jobs/s)', '>median jobs/s'],
      throughput.flatMap((x) => [
        [
          'deactivation jobs (1 session each)',
          String(x.concurrency),
          x.realRates.map(fmtInt).join(', '),
          fmtInt(x.realMedian),
        ],
        [
          'BullMQ no-op processor (baseline)',
          String(x.concurrency),
          x.noopRates.map(fmtInt).join(', '),
          fmtInt(x.noopMedian),
        ],
      ]),
    ),
  );
  log(
    `(${fmtInt(cfg.jobs)} jobs a pass, backlog added to a paused queue, timed from resume to the last 'completed' event)`,
  );
  return {
    targets,
    figures: {
      config: { ...cfg, concurrencies },
      latency: { oneSession: lat.small, manySessions: lat.big },
      throughput,
      passes,
    },
  };
}

function latencySummaries(samples: Sample[]) {
  const of = (pick: (s: Sample) => number) => summarize(samples.map(pick));
  return {
    bare: of((s) => s.bareMs),
    get: of((s) => s.getMs),
    http: of((s) => s.httpMs),
    endToEnd: of((s) => s.endToEndMs),
  };
}

/** Users with `sessionsEach` sessions each, through the directory; checks every sessions index. */
async function createUsers(
  directory: Directory,
  keys: DirectoryKeys,
  people: NewUser[],
  sessionsEach: number,
  concurrency: number,
  redis: RedisClient,
): Promise<BenchUser[]> {
  const users = new Array<BenchUser>(people.length);
  await runBounded(people.length, concurrency, async (i) => {
    const user = await directory.createUser(people[i]!, SYSTEM);
    users[i] = { id: user.id, sessionKeys: [] };
  });
  await runBounded(people.length * sessionsEach, concurrency, async (j) => {
    const user = users[Math.floor(j / sessionsEach)]!;
    const { token } = await directory.createSession(user.id, 'full');
    user.sessionKeys.push(keys.session(hashToken(token)));
  });
  const pipeline = redis.pipeline();
  for (const user of users) pipeline.zcard(keys.userSessions(user.id));
  const counts = (await pipeline.exec()) ?? [];
  counts.forEach(([error, count], i) => {
    if (error) throw error;
    if (count !== sessionsEach)
      throw new Error(`user ${users[i]!.id} has ${count} sessions indexed, expected ${sessionsEach}`);
  });
  return users;
}

/** How many of the user's sessions are still there: the index's members and the session keys. */
async function sessionsLeft(
  redis: RedisClient,
  keys: DirectoryKeys,
  user: BenchUser,
): Promise<{ indexed: number; keys: number }> {
  const pipeline = redis.pipeline();
  pipeline.zcard(keys.userSessions(user.id));
  for (let i = 0; i < user.sessionKeys.length; i += 1000) pipeline.exists(...user.sessionKeys.slice(i, i + 1000));
  const results = (await pipeline.exec()) ?? [];
  let indexed = 0;
  let left = 0;
  results.forEach(([error, value], i) => {
    if (error) throw error;
    if (i === 0) indexed = Number(value);
    else left += Number(value);
  });
  return { indexed, keys: left };
}

interface Answer {
  status: number;
  body: unknown;
  text: string;
  startedAt: number;
  ms: number;
}

async function call(method: 'GET' | 'POST', url: string, token?: string): Promise<Answer> {
  const startedAt = nowMs();
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const res = await fetch(url, { method, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await res.text();
  const ms = nowMs() - startedAt;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, startedAt, ms };
}

const userOf = (body: unknown) => (body as { user?: { status?: string; activeSessions?: number } } | undefined)?.user;

/** GET the bare route (baseline) and the user, then deactivate them and check that every session of theirs is gone. */
async function deactivateAndVerify(
  api: { url: string; token: string; bareUrl: string },
  redis: RedisClient,
  keys: DirectoryKeys,
  user: BenchUser,
): Promise<Sample> {
  checkStop();
  const sessions = user.sessionKeys.length;
  const bare = await call('GET', api.bareUrl);
  if (bare.status !== 200) throw new Error(`GET ${api.bareUrl}: ${bare.status}`);
  const get = await call('GET', `${api.url}/api/v1/users/${user.id}`, api.token);
  const before = userOf(get.body);
  if (get.status !== 200 || before?.status !== 'active' || before.activeSessions !== sessions) {
    throw new Error(
      `GET /api/v1/users/${user.id}: ${get.status} ${get.text.slice(0, 300)} (expected active, ${sessions} sessions)`,
    );
  }

  const post = await call('POST', `${api.url}/api/v1/users/${user.id}/deactivate`, api.token);
  const answeredAt = post.startedAt + post.ms;
  if (post.status === 200) {
    const after = userOf(post.body);
    if (after?.status !== 'inactive' || after.activeSessions !== 0) {
      throw new Error(
        `deactivate ${user.id} answered 200 with ${post.text.slice(0, 300)} (expected inactive, 0 sessions)`,
      );
    }
  } else if (post.status !== 202) {
    throw new Error(`deactivate ${user.id} answered ${post.status}: ${post.text.slice(0, 300)}`);
  }

  let left = await sessionsLeft(redis, keys, user);
  const goneAtAnswer = post.status === 200 && left.indexed === 0 && left.keys === 0;
  let goneAt = answeredAt;
  if (!goneAtAnswer) {
    while (left.indexed > 0 || left.keys > 0) {
      checkStop();
      if (nowMs() - post.startedAt > GONE_TIMEOUT_MS) {
        throw new Error(
          `user ${user.id}: ${left.indexed} sessions indexed, ${left.keys} session keys left ${GONE_TIMEOUT_MS} ms after deactivation`,
        );
      }
      await sleep(2);
      left = await sessionsLeft(redis, keys, user);
    }
    goneAt = nowMs();
  }
  return {
    userId: user.id,
    sessions,
    bareMs: bare.ms,
    getMs: get.ms,
    status: post.status,
    httpMs: post.ms,
    goneAtAnswer,
    endToEndMs: goneAt - post.startedAt,
  };
}

/**
 * One throughput pass: pause the queue, add n jobs (`enqueue`, timed for information), let
 * the QueueEvents reader catch up, resume, and time until n 'completed' (or 'failed') events
 * for those jobs came back.
 */
async function runPass(
  queue: Queue,
  events: QueueEvents,
  worker: WorkerProcess,
  n: number,
  redis: RedisClient,
  enqueue: () => Promise<{ ids: string[]; ms: number }>,
): Promise<Omit<PassResult, 'kind' | 'concurrency' | 'pass'>> {
  checkStop();
  await queue.pause();
  const { ids, ms: enqueueMs } = await enqueue();
  const pending = new Set(ids);
  if (pending.size !== n) throw new Error(`${queue.name}: ${n} adds made ${pending.size} distinct jobs`);
  const counts = await queue.getJobCounts('wait', 'prioritized', 'active', 'delayed');
  const queued = (counts.wait ?? 0) + (counts.prioritized ?? 0);
  if (queued !== n || (counts.active ?? 0) > 0 || (counts.delayed ?? 0) > 0) {
    throw new Error(`${queue.name}: expected ${n} jobs waiting before the pass, found ${JSON.stringify(counts)}`);
  }
  await sleep(250);

  let failed = 0;
  let lastAt = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const settle = (jobId: string, ok: boolean) => {
    if (!pending.delete(jobId)) return;
    if (!ok) failed++;
    lastAt = nowMs();
    if (pending.size === 0) resolveDone();
  };
  const onCompleted = ({ jobId }: { jobId: string }) => settle(jobId, true);
  const onFailed = ({ jobId }: { jobId: string }) => settle(jobId, false);
  events.on('completed', onCompleted);
  events.on('failed', onFailed);
  try {
    const t0 = nowMs();
    await queue.resume();
    const deadline = t0 + Math.max(60_000, n * 20);
    let finished = false;
    void done.then(() => {
      finished = true;
    });
    while (!finished) {
      worker.check();
      if (nowMs() > deadline) {
        throw new Error(
          `${queue.name}: ${pending.size} of ${n} jobs not finished after ${fmtMs(nowMs() - t0)} ms: ` +
            JSON.stringify(await queue.getJobCounts()),
        );
      }
      await Promise.race([done, sleep(50)]);
    }
    const wallMs = lastAt - t0;
    return {
      jobs: n,
      enqueueMs,
      enqueuePerSecond: n / (enqueueMs / 1000),
      wallMs,
      jobsPerSecond: n / (wallMs / 1000),
      failed,
    };
  } finally {
    events.off('completed', onCompleted);
    events.off('failed', onFailed);
  }
}
