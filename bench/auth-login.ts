import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { loadConfig } from '../config/index.js';
import type { Actor } from '../src/directory/index.js';
import { createLogger } from '../src/logger.js';
import { openRuntime, startServer } from '../src/runtime.js';
import type { BenchOutcome } from './run.js';
import { checkStop, envInt } from './support/control.js';
import { HttpLoad } from './support/load-process.js';
import { BENCH_REDIS_URL, connect, infoField } from './support/redis.js';
import { environmentLine, fmtMs, ratioTarget, table } from './support/report.js';
import { withResources, type Resources } from './support/resources.js';
import { LoopDelayMonitor } from './support/server-meter.js';
import { nowMs, runBounded, summarize } from './support/stats.js';
import { fakeUsers } from './support/users.js';

// Password sign-in under load: how close POST /auth/login gets to raw argon2.verify throughput,
// and whether argon2id (on libuv's thread pool) keeps the server's event loop responsive.
//
//  1. Baseline: argon2.verify in this process, same parameters, same concurrency as the storm,
//     before the storm and after it (the ratio uses their mean); the event-loop delay meanwhile
//     is the baseline of the storm's (the same thread pool busy, no HTTP).
//  2. Storm: the real server in this process (openRuntime + startServer, its own prefix); the load
//     process (support/http-load.ts) signs the users in for a fixed time at bounded concurrency
//     and samples GET /healthz five times a second.
//
// argon2 parameters come from loadConfig (ARGON2_* override them as for the service).
// UV_THREADPOOL_SIZE only takes effect when set before the process starts.
//
//   BENCH_LOGIN_USERS             users signing in (default 50)
//   BENCH_LOGIN_CONCURRENCY       logins / verifications in flight (default 16)
//   BENCH_LOGIN_SECONDS           storm (default 10), after BENCH_LOGIN_WARMUP_SECONDS (2)
//   BENCH_LOGIN_BASELINE_SECONDS  each raw argon2.verify pass (default 4)

const SYSTEM: Actor = { source: 'system' };
/** Logins/s over raw verifications/s: HTTP, Redis and the session cost little beside argon2. */
const THROUGHPUT_RATIO = 0.7;
/** Storm p99 over baseline p99: 5× the 10 ms resolution floor is the former 50 ms limit. */
const LOOP_DELAY_RATIO = 5;

function readConfig() {
  return {
    users: envInt('BENCH_LOGIN_USERS', 50),
    concurrency: envInt('BENCH_LOGIN_CONCURRENCY', 16),
    seconds: envInt('BENCH_LOGIN_SECONDS', 10),
    warmupSeconds: envInt('BENCH_LOGIN_WARMUP_SECONDS', 2),
    baselineSeconds: envInt('BENCH_LOGIN_BASELINE_SECONDS', 4),
  };
}
type BenchConfig = ReturnType<typeof readConfig>;

const log = (message = '') => console.log(message);

export async function run(): Promise<BenchOutcome> {
  const cfg = readConfig();
  return withResources(connect(), (res) => bench(cfg, res));
}

async function bench(cfg: BenchConfig, res: Resources): Promise<BenchOutcome> {
  const loopDelay = new LoopDelayMonitor();
  const scope = await res.prefix('login');
  const argonEnv = Object.fromEntries(
    ['ARGON2_MEMORY_KIB', 'ARGON2_TIME_COST', 'ARGON2_PARALLELISM'].flatMap((k) =>
      process.env[k] ? [[k, process.env[k]!]] : [],
    ),
  );
  const config = loadConfig({
    ...argonEnv,
    REDIS_URL: BENCH_REDIS_URL,
    REDIS_PREFIX: scope.prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    // Successful sign-ins consume no points; the ceiling only guards against a stray failure.
    LOGIN_MAX_FAILURES: '1000',
  });
  const a2 = config.password.argon2;
  const threadpool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  log(
    `login: argon2id m=${a2.memoryCost} KiB, t=${a2.timeCost}, p=${a2.parallelism}; UV_THREADPOOL_SIZE ${threadpool}; ` +
      `${cfg.users} users, ${cfg.concurrency} in flight, ${cfg.seconds} s storm`,
  );
  log(environmentLine((await infoField(res.redis, 'server', 'redis_version')) ?? '?'));

  // Sign-in enqueues no job, but the server needs the job producer; no workers run here.
  const runtime = openRuntime(config, createLogger('silent'), { jobs: true });
  res.onRelease('the runtime', () => runtime.close());
  const server = await startServer(runtime);
  res.onRelease('the server', () => server.close());
  const load = res.process(new HttpLoad());

  // Users with known passwords, hashed by the service's own hasher (its configured parameters).
  const secret = randomBytes(6).toString('hex');
  const people = fakeUsers(cfg.users, { adminShare: 0, inactiveShare: 0, seed: 42 });
  const accounts: { email: string; password: string; hash: string }[] = new Array(people.length);
  await runBounded(people.length, threadpool, async (i) => {
    const password = `login-bench ${secret} #${i}`;
    const hash = await runtime.hasher.hash(password);
    const user = await runtime.directory.createUser(
      { ...people[i]!, role: 'user', kind: 'password', passwordHash: hash },
      SYSTEM,
    );
    accounts[i] = { email: user.email!, password, hash };
  });

  // 1. and 2.
  const verifyOne = async (i: number) => {
    const a = accounts[i % accounts.length]!;
    if (!(await argon2.verify(a.hash, a.password))) throw new Error(`argon2.verify failed for ${a.email}`);
  };
  await runBounded(cfg.concurrency * 2, cfg.concurrency, verifyOne); // warm-up
  const before = await verifyThroughput(cfg, verifyOne, loopDelay);
  const storm = await load.throughput(
    {
      op: {
        name: 'login',
        url: server.url,
        method: 'POST',
        path: '/auth/login',
        status: 200,
        bodyHas: '"token":"',
        body: accounts.map(({ email, password }) => JSON.stringify({ email, password })),
      },
      concurrency: cfg.concurrency,
      warmupMs: cfg.warmupSeconds * 1000,
      durationMs: cfg.seconds * 1000,
      sampler: { op: { name: 'healthz', url: server.url, path: '/healthz', status: 200 }, perSecond: 5 },
    },
    loopDelay,
  );
  const after = await verifyThroughput(cfg, verifyOne, loopDelay);
  loopDelay.disable();

  const r = storm.result;
  const verifyRate = (before.perSecond + after.perSecond) / 2;
  const spread = Math.abs(before.perSecond - after.perSecond) / verifyRate;
  if (spread > 0.15)
    log(
      `WARNING: the baselines before and after the storm differ by ${(spread * 100).toFixed(0)} %: the machine is busy`,
    );
  const login = summarize(r.latencyMs);
  const health = summarize(r.sampleMs);
  const loop = storm.server.loop!;
  log(
    table(
      ['measure', '>value'],
      [
        [
          'raw argon2.verify throughput (before / after storm)',
          `${before.perSecond.toFixed(1)} / ${after.perSecond.toFixed(1)} /s`,
        ],
        [
          `POST /auth/login throughput (${cfg.seconds} s storm)`,
          `${storm.perSecond.toFixed(1)} /s; statuses ${JSON.stringify(r.statuses)}`,
        ],
        ['POST /auth/login latency median / p99', `${fmtMs(login.medianMs)} / ${fmtMs(login.p99Ms)} ms`],
        [
          'raw argon2.verify latency median / p99 (before)',
          `${fmtMs(before.latency.medianMs)} / ${fmtMs(before.latency.p99Ms)} ms`,
        ],
        [
          'GET /healthz during the storm median / p99',
          `${fmtMs(health.medianMs)} / ${fmtMs(health.p99Ms)} ms (${r.sampleFailures} failed)`,
        ],
        [
          'server event-loop delay p99: storm / raw verify (10 ms resolution)',
          `${fmtMs(loop.p99Ms)} / ${fmtMs(before.loop.p99Ms)} ms`,
        ],
        [
          'server CPU / ELU during the storm; load process CPU',
          `${storm.server.cores.toFixed(2)} cores / ${(storm.server.elu * 100).toFixed(0)} %; ${r.cores.toFixed(2)} cores`,
        ],
      ],
    ),
  );
  if (r.errors.length > 0) log(`errors: ${r.errors.slice(0, 3).join(' | ')}`);
  const targets = [
    ratioTarget(
      'POST /auth/login throughput / raw argon2.verify',
      storm.perSecond,
      verifyRate,
      { atLeast: THROUGHPUT_RATIO },
      'per s',
      r.failures + r.warmupFailures,
    ),
    ratioTarget(
      'server event-loop delay p99, storm / raw verify',
      loop.p99Ms,
      before.loop.p99Ms,
      { atMost: LOOP_DELAY_RATIO },
      'ms',
      r.sampleFailures,
    ),
  ];
  return {
    targets,
    figures: {
      config: cfg,
      argon2: a2,
      before,
      after,
      loginsPerSecond: storm.perSecond,
      login,
      health,
      loop,
      statuses: r.statuses,
    },
  };
}

/** argon2.verify for baselineSeconds at the storm's concurrency; completions inside the window count. */
async function verifyThroughput(
  cfg: BenchConfig,
  verifyOne: (i: number) => Promise<void>,
  loopDelay: LoopDelayMonitor,
) {
  const latencies: number[] = [];
  let completed = 0;
  let next = 0;
  loopDelay.reset();
  const end = nowMs() + cfg.baselineSeconds * 1000;
  await Promise.all(
    Array.from({ length: cfg.concurrency }, async () => {
      while (nowMs() < end) {
        checkStop();
        const t = nowMs();
        await verifyOne(next++);
        latencies.push(nowMs() - t);
        if (nowMs() <= end) completed++;
      }
    }),
  );
  return { perSecond: completed / cfg.baselineSeconds, latency: summarize(latencies), loop: loopDelay.read() };
}
