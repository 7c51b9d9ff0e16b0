import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { BenchOutcome } from './run.js';
import { envInt } from './support/control.js';
import { HttpLoad } from './support/load-process.js';
import { infoField, connect } from './support/redis.js';
import { environmentLine, fmtMs, ratioTarget, table } from './support/report.js';
import { withResources, type Resources } from './support/resources.js';
import { LoopDelayMonitor } from './support/server-meter.js';
import { envMatching, startService } from './support/service.js';
import { runBounded, summarize, timedLoop } from './support/stats.js';
import { fakeUsers } from './support/users.js';

// Password sign-in under load: how close POST /auth/login gets to raw argon2.verify throughput,
// and whether argon2id (on libuv's thread pool) keeps the server's event loop responsive.
//
//  1. Baseline: argon2.verify in this process, same parameters and concurrency as the storm, before
//     and after it (their mean); its event-loop delay is the storm's baseline (the same pool busy).
//  2. Storm: the real server in this process; the load process (support/http-load.ts) signs the
//     users in for a fixed time at bounded concurrency.
// argon2 parameters come from loadConfig (ARGON2_* override them as for the service).
//
//   BENCH_LOGIN_USERS users (50), BENCH_LOGIN_CONCURRENCY logins in flight (16)
//   BENCH_LOGIN_SECONDS storm (10) after BENCH_LOGIN_WARMUP_SECONDS (2); BENCH_LOGIN_BASELINE_SECONDS (4)

/** Logins/s over raw verifications/s: HTTP, Redis and the session cost little beside argon2. */
const THROUGHPUT_RATIO = 0.7;
/** Storm p99 over baseline p99: 5× the 10 ms resolution floor is the former 50 ms limit. */
const LOOP_DELAY_RATIO = 5;

const readConfig = () => ({
  users: envInt('BENCH_LOGIN_USERS', 50),
  concurrency: envInt('BENCH_LOGIN_CONCURRENCY', 16),
  seconds: envInt('BENCH_LOGIN_SECONDS', 10),
  warmupSeconds: envInt('BENCH_LOGIN_WARMUP_SECONDS', 2),
  baselineSeconds: envInt('BENCH_LOGIN_BASELINE_SECONDS', 4),
});

export async function run(): Promise<BenchOutcome> {
  const cfg = readConfig();
  return withResources(connect(), (res) => bench(cfg, res));
}

async function bench(cfg: ReturnType<typeof readConfig>, res: Resources): Promise<BenchOutcome> {
  const loopDelay = new LoopDelayMonitor();
  // Successful sign-ins consume no points; the ceiling only guards against a stray failure.
  const { config, runtime, server } = await startService(res, 'login', {
    ...envMatching(/^ARGON2_/),
    LOGIN_MAX_FAILURES: '1000',
    // The sign-ins in flight that the service admits (more are login_busy): the storm's own.
    LOGIN_MAX_CONCURRENT: String(cfg.concurrency),
  });
  const a2 = config.password.argon2;
  console.log(
    `login: argon2id m=${a2.memoryCost} KiB, t=${a2.timeCost}, p=${a2.parallelism}; ${cfg.users} users, ` +
      `${cfg.concurrency} in flight, ${cfg.seconds} s storm\n${environmentLine((await infoField(res.redis, 'server', 'redis_version')) ?? '?')}`,
  );
  const load = res.process(new HttpLoad());

  // Users with known passwords, hashed by the service's own hasher (its configured parameters).
  const secret = randomBytes(6).toString('hex');
  const people = fakeUsers(cfg.users, { adminShare: 0, inactiveShare: 0, seed: 42 });
  const accounts = people.map((p, i) => ({ email: p.email, password: `login-bench ${secret} #${i}`, hash: '' }));
  await runBounded(people.length, 4, async (i) => {
    const a = accounts[i]!;
    a.hash = await runtime.hasher.hash(a.password);
    await runtime.directory.createUser({ ...people[i]!, role: 'user', passwordHash: a.hash }, { source: 'system' });
  });

  const verify = async (i: number) => {
    const a = accounts[i % accounts.length]!;
    if (!(await argon2.verify(a.hash, a.password))) throw new Error(`argon2.verify failed for ${a.email}`);
  };
  const baseline = () => timedLoop(cfg.concurrency, cfg.baselineSeconds * 1000, verify, loopDelay);
  await runBounded(cfg.concurrency * 2, cfg.concurrency, verify); // warm-up
  const before = await baseline();
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
    },
    loopDelay,
  );
  const after = await baseline();
  loopDelay.disable();

  const r = storm.result;
  const verifyRate = (before.perSecond + after.perSecond) / 2;
  const login = summarize(r.latencyMs);
  const loop = storm.server.loop!;
  console.log(
    table(
      ['measure', '>value'],
      [
        [
          'raw argon2.verify /s (before / after the storm)',
          `${before.perSecond.toFixed(1)} / ${after.perSecond.toFixed(1)}`,
        ],
        [
          'POST /auth/login /s; median / p99 ms',
          `${storm.perSecond.toFixed(1)}; ${fmtMs(login.medianMs)} / ${fmtMs(login.p99Ms)}`,
        ],
        [
          'server CPU cores / ELU during the storm',
          `${storm.server.cores.toFixed(2)} / ${(storm.server.elu * 100).toFixed(0)} %`,
        ],
      ],
    ),
  );
  if (r.errors.length > 0) console.log(`errors: ${r.errors.slice(0, 3).join(' | ')}`);
  return {
    targets: [
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
        before.loop!.p99Ms,
        { atMost: LOOP_DELAY_RATIO },
        'ms',
      ),
    ],
    figures: { config: cfg, argon2: a2, before, after, loginsPerSecond: storm.perSecond, login, loop },
  };
}
