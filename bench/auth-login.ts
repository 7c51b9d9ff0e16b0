import { randomBytes } from 'node:crypto';
import os from 'node:os';
import argon2 from 'argon2';
import { loadConfig, type Config } from '../config/index.js';
import { OWASP_ARGON2 } from '../src/auth/password-hasher.js';
import type { Actor } from '../src/directory/index.js';
import { createLogger } from '../src/logger.js';
import { openRuntime, startServer, type RunningServer } from '../src/runtime.js';
import { checkStop, envInt } from './support/control.js';
import type { ChildMessage, LoadAccount, ParentMessage } from './support/login-load.js';
import { LoadProcess } from './support/load-process.js';
import { BENCH_REDIS_URL, connect, infoField } from './support/redis.js';
import { environment, fmtInt, fmtMs, loadAverage, table, targetsTable, writeResults, type Target } from './support/report.js';
import { withResources, type Resources } from './support/resources.js';
import {
  EVENT_LOOP_RESOLUTION_MS, LoopDelayMonitor, loopDelayTarget, startWindow,
} from './support/server-meter.js';
import { nowMs, runBounded, summarize } from './support/stats.js';
import { fakeUsers } from './support/users.js';

// Password sign-in under load: does argon2id (on libuv's thread pool) keep the server's event
// loop responsive, and how close does POST /auth/login get to raw argon2.verify throughput?
//
//  1. Baseline: argon2.verify in this process, same parameters, same concurrency as the storm
//     (once before the storm and once after it; the ratio uses their mean).
//  2. Storm: the real HTTP server in this process (openRuntime + startServer, port 0, its own
//     prefix); a child process (bench/support/login-load.ts) signs N users in over HTTP for a
//     fixed time with bounded concurrency and samples GET /healthz a few times a second.
//  3. The server's event-loop delay during the storm (monitorEventLoopDelay, 10 ms resolution).
//
// argon2 parameters come from loadConfig (project defaults; ARGON2_* override them as for
// the service). UV_THREADPOOL_SIZE only takes effect when set before the process starts:
// `UV_THREADPOOL_SIZE=8 npm run bench -- login`.
//
//   BENCH_LOGIN_USERS             users signing in (default 50)
//   BENCH_LOGIN_CONCURRENCY       logins / verifications in flight (default 16)
//   BENCH_LOGIN_SECONDS           storm duration (default 10)
//   BENCH_LOGIN_WARMUP_SECONDS    storm warm-up, not measured (default 2)
//   BENCH_LOGIN_BASELINE_SECONDS  each raw argon2.verify pass (default 4)
//   BENCH_LOGIN_HEALTHZ_PER_SECOND  GET /healthz samples a second during the storm (default 5)

const SYSTEM: Actor = { source: 'system' };
const EVENT_LOOP_P99_TARGET_MS = 50;
const SINGLE_VERIFY_SAMPLES = 10;
const REQUEST_TIMEOUT_MS = 30_000;

function readConfig() {
  return {
    users: envInt('BENCH_LOGIN_USERS', 50),
    concurrency: envInt('BENCH_LOGIN_CONCURRENCY', 16),
    seconds: envInt('BENCH_LOGIN_SECONDS', 10),
    warmupSeconds: envInt('BENCH_LOGIN_WARMUP_SECONDS', 2),
    baselineSeconds: envInt('BENCH_LOGIN_BASELINE_SECONDS', 4),
    healthzPerSecond: envInt('BENCH_LOGIN_HEALTHZ_PER_SECOND', 5),
  };
}
type BenchConfig = ReturnType<typeof readConfig>;

const log = (message = '') => console.log(message);

export async function run(): Promise<{ targets: Target[] }> {
  const cfg = readConfig();
  return withResources(connect(), (res) => bench(cfg, res));
}

async function bench(cfg: BenchConfig, res: Resources): Promise<{ targets: Target[] }> {
  const redisVersion = (await infoField(res.redis, 'server', 'redis_version')) ?? '?';
  const threadpool = process.env.UV_THREADPOOL_SIZE?.trim() || '4 (libuv default, UV_THREADPOOL_SIZE unset)';
  const threadpoolSize = Number(process.env.UV_THREADPOOL_SIZE) || 4;

  // Enabled before anything else runs; reset at each measured phase.
  const loopDelay = new LoopDelayMonitor();

  const scope = await res.prefix('login');

  // The service's own configuration: argon2 parameters as the service would read them.
  const argonEnv = Object.fromEntries(
    ['ARGON2_MEMORY_KIB', 'ARGON2_TIME_COST', 'ARGON2_PARALLELISM'].flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])),
  );
  const config: Config = loadConfig({
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
  const isDefault = a2.memoryCost === OWASP_ARGON2.memoryCost && a2.timeCost === OWASP_ARGON2.timeCost &&
    a2.parallelism === OWASP_ARGON2.parallelism;
  const argonLabel = `argon2id m=${a2.memoryCost} KiB, t=${a2.timeCost}, p=${a2.parallelism}`;
  log(`auth-login: ${argonLabel}${isDefault ? ' (project default)' : ' (ARGON2_* override)'}; ` +
    `${cfg.users} users, ${cfg.concurrency} in flight, ${cfg.seconds} s storm`);
  log(`UV_THREADPOOL_SIZE ${threadpool}; Node ${process.version}, Redis ${redisVersion}, ${os.cpus().length} CPUs ` +
    `(${os.cpus()[0]?.model.trim() ?? '?'})`);
  log(`prefix: ${scope.prefix} (keys ${scope.pattern}); load average at start ${loadAverage()}`);

  // The HTTP server needs the job producer (BullMQ queues, keys under the same prefix); sign-in
  // enqueues no job, so no workers run here.
  const runtime = openRuntime(config, createLogger(config.logLevel), { jobs: true });
  res.onRelease('the runtime', () => runtime.close());
  const { directory, hasher } = runtime;
  const server = await startServer(runtime);
  res.onRelease('the server', () => server.close());
  log(`server: ${server.url} (in this process, pid ${process.pid})`);

  // Users with known passwords, hashed by the service's own hasher (its configured parameters).
  let t = nowMs();
  const secret = randomBytes(6).toString('hex');
  const people = fakeUsers(cfg.users, { adminShare: 0, inactiveShare: 0, seed: 42 });
  const accounts: (LoadAccount & { hash: string })[] = new Array(people.length);
  await runBounded(people.length, threadpoolSize, async (i) => {
    const password = `login-bench ${secret} #${i}`;
    const hash = await hasher.hash(password);
    const user = await directory.createUser({ ...people[i]!, role: 'user', kind: 'password', passwordHash: hash }, SYSTEM);
    accounts[i] = { email: user.email, password, hash };
  });
  log(`created ${accounts.length} users in ${fmtMs(nowMs() - t)} ms (argon2 hash each)`);

  // 1. Baseline: raw argon2.verify, one at a time (latency), then at the storm's concurrency.
  const verifyOne = async (i: number) => {
    const a = accounts[i % accounts.length]!;
    if (!(await argon2.verify(a.hash, a.password))) throw new Error(`argon2.verify failed for ${a.email}`);
  };
  await runBounded(cfg.concurrency * 2, cfg.concurrency, verifyOne); // warm-up
  const single: number[] = [];
  for (let i = 0; i < SINGLE_VERIFY_SAMPLES; i++) {
    checkStop();
    t = nowMs();
    await verifyOne(i);
    single.push(nowMs() - t);
  }
  const singleVerify = summarize(single);
  log(`argon2.verify, 1 in flight: median ${fmtMs(singleVerify.medianMs)} ms (${SINGLE_VERIFY_SAMPLES} samples)`);

  const baselineBefore = await verifyThroughput(cfg, verifyOne, loopDelay);
  log(`argon2.verify, ${cfg.concurrency} in flight, ${cfg.baselineSeconds} s (before storm): ` +
    `${baselineBefore.perSecond.toFixed(1)} verifications/s, median ${fmtMs(baselineBefore.latency.medianMs)} ms`);

  // 2. Storm, from a separate process.
  const storm = await runStorm(cfg, res, server, accounts.map(({ email, password }) => ({ email, password })), loopDelay);
  const r = storm.result;
  const login = summarize(r.loginMs);
  const health = summarize(r.healthzMs);
  const loginsPerSecond = r.okInWindow / (r.windowMs / 1000);
  const failed = Object.entries(r.statuses).filter(([status]) => status !== '200').reduce((s, [, n]) => s + n, 0);
  if (r.okInWindow === 0) throw new Error(`no login succeeded during the storm: ${JSON.stringify(r.statuses)} ${r.errors.join('; ')}`);
  log(`storm: ${fmtInt(r.okInWindow)} logins in ${cfg.seconds} s = ${loginsPerSecond.toFixed(1)} logins/s; ` +
    `median ${fmtMs(login.medianMs)} ms, p99 ${fmtMs(login.p99Ms)} ms; statuses ${JSON.stringify(r.statuses)}` +
    (r.warmup.failures > 0 ? `; ${r.warmup.failures} warm-up failures` : ''));
  if (r.errors.length > 0) log(`  errors: ${r.errors.slice(0, 3).join(' | ')}`);

  const baselineAfter = await verifyThroughput(cfg, verifyOne, loopDelay);
  log(`argon2.verify, ${cfg.concurrency} in flight, ${cfg.baselineSeconds} s (after storm): ` +
    `${baselineAfter.perSecond.toFixed(1)} verifications/s, median ${fmtMs(baselineAfter.latency.medianMs)} ms`);
  loopDelay.disable();

  const verifyPerSecond = (baselineBefore.perSecond + baselineAfter.perSecond) / 2;
  // Another busy process on the machine shows as baselines that disagree: say so.
  const baselineSpread = Math.abs(baselineBefore.perSecond - baselineAfter.perSecond) / verifyPerSecond;
  const noisy = baselineSpread > 0.15;
  const ratio = loginsPerSecond / verifyPerSecond;
  const el = storm.loop;

  const targets: Target[] = [
    loopDelayTarget(el, EVENT_LOOP_P99_TARGET_MS),
    {
      name: 'failed logins during the storm',
      measured: fmtInt(failed), limit: '0', pass: failed === 0,
    },
  ];

  log();
  log(`=== auth-login summary (${argonLabel}, ${cfg.concurrency} in flight, UV_THREADPOOL_SIZE ${threadpoolSize}, ${os.cpus().length} CPUs) ===`);
  log(table(['measure', '>value'], [
    ['argon2.verify, 1 in flight (median latency)', `${fmtMs(singleVerify.medianMs)} ms`],
    [`raw argon2.verify throughput, ${cfg.concurrency} in flight (before / after storm)`,
      `${baselineBefore.perSecond.toFixed(1)} / ${baselineAfter.perSecond.toFixed(1)} /s`],
    ['raw argon2.verify throughput, mean of both', `${verifyPerSecond.toFixed(1)} /s`],
    [`POST /auth/login throughput (${cfg.seconds} s storm)`, `${loginsPerSecond.toFixed(1)} /s`],
    ['logins/s ÷ raw verify/s', ratio.toFixed(3)],
    ['server process CPU during storm (all threads)', `${storm.serverCores.toFixed(2)} cores`],
    ['load process CPU during storm', `${storm.loadCores.toFixed(2)} cores`],
    ['server event-loop utilization during storm', `${(storm.elu * 100).toFixed(1)} %`],
  ]));
  log();
  log(table(['latency (ms)', '>n', '>median', '>p99', '>max'], [
    ['POST /auth/login (load process)', fmtInt(login.n), fmtMs(login.medianMs), fmtMs(login.p99Ms), fmtMs(login.maxMs)],
    ['GET /healthz during storm (load process)', fmtInt(health.n), fmtMs(health.medianMs), fmtMs(health.p99Ms), fmtMs(health.maxMs)],
    ['raw argon2.verify (before storm)', fmtInt(baselineBefore.latency.n), fmtMs(baselineBefore.latency.medianMs),
      fmtMs(baselineBefore.latency.p99Ms), fmtMs(baselineBefore.latency.maxMs)],
  ]));
  if (r.healthzFailures > 0) log(`GET /healthz: ${r.healthzFailures} failed`);
  if (noisy) {
    log(`WARNING: the baselines before and after the storm differ by ${(baselineSpread * 100).toFixed(0)} %: ` +
      `something else was using the CPUs (load average now ${loadAverage()}); the ratio is unreliable`);
  }
  log();
  log(table(['server event-loop delay (ms)', '>p50', '>p99', '>max', '>samples'], [
    ['during storm, raw (timer interval, incl. 10 ms)', fmtMs(el.p50Ms), fmtMs(el.p99Ms), fmtMs(el.maxMs), fmtInt(el.count)],
    ['during storm, beyond the 10 ms resolution', fmtMs(el.p50Ms - EVENT_LOOP_RESOLUTION_MS), fmtMs(el.p99Ms - EVENT_LOOP_RESOLUTION_MS),
      fmtMs(el.maxMs - EVENT_LOOP_RESOLUTION_MS), ''],
    ['during raw verify baseline (before), raw', fmtMs(baselineBefore.loop.p50Ms), fmtMs(baselineBefore.loop.p99Ms),
      fmtMs(baselineBefore.loop.maxMs), fmtInt(baselineBefore.loop.count)],
  ]));
  log();
  log(targetsTable(targets));

  const file = await writeResults('login', {
    bench: 'login',
    at: new Date().toISOString(),
    environment: {
      ...environment(redisVersion), uvThreadpoolSize: threadpoolSize, uvThreadpoolSizeEnv: process.env.UV_THREADPOOL_SIZE ?? null,
    },
    config: { ...cfg, prefix: scope.prefix, argon2: a2, argon2IsProjectDefault: isDefault, eventLoopResolutionMs: EVENT_LOOP_RESOLUTION_MS },
    baseline: {
      singleVerify,
      before: { perSecond: baselineBefore.perSecond, completed: baselineBefore.completed, latency: baselineBefore.latency, eventLoop: baselineBefore.loop },
      after: { perSecond: baselineAfter.perSecond, completed: baselineAfter.completed, latency: baselineAfter.latency, eventLoop: baselineAfter.loop },
      meanPerSecond: verifyPerSecond,
      spread: baselineSpread,
      noisy,
    },
    storm: {
      seconds: cfg.seconds,
      loginsInWindow: r.okInWindow,
      loginsPerSecond,
      ratioToRawVerify: ratio,
      statuses: r.statuses,
      errors: r.errors,
      drainedMs: r.drainedMs,
      warmup: r.warmup,
      loginLatency: login,
      healthzLatency: health,
      healthzFailures: r.healthzFailures,
      serverEventLoopDelay: { ...el, beyondResolution: { p50Ms: el.p50Ms - EVENT_LOOP_RESOLUTION_MS, p99Ms: el.p99Ms - EVENT_LOOP_RESOLUTION_MS, maxMs: el.maxMs - EVENT_LOOP_RESOLUTION_MS } },
      serverEventLoopUtilization: storm.elu,
      serverCpuCores: storm.serverCores,
      loadProcessCpuCores: storm.loadCores,
    },
    targets,
  });
  log(`results: ${file}`);
  return { targets };
}

/** argon2.verify for baselineSeconds at the storm's concurrency; completions inside the window count. */
async function verifyThroughput(cfg: BenchConfig, verifyOne: (i: number) => Promise<void>, loopDelay: LoopDelayMonitor) {
  const windowMs = cfg.baselineSeconds * 1000;
  const latencies: number[] = [];
  let completed = 0;
  let next = 0;
  loopDelay.reset();
  const start = nowMs();
  const end = start + windowMs;
  const loop = async () => {
    while (nowMs() < end) {
      checkStop();
      const t = nowMs();
      await verifyOne(next++);
      const done = nowMs();
      latencies.push(done - t);
      if (done <= end) completed++;
    }
  };
  await Promise.all(Array.from({ length: cfg.concurrency }, loop));
  return { perSecond: completed / (windowMs / 1000), completed, latency: summarize(latencies), loop: loopDelay.read() };
}

/** Forks the load process, warms up, runs the storm, measuring this (the server's) process meanwhile. */
async function runStorm(cfg: BenchConfig, res: Resources, server: RunningServer, accounts: LoadAccount[], loopDelay: LoopDelayMonitor) {
  const load = res.process(new LoadProcess<ParentMessage, ChildMessage>('login-load.ts', 'the login storm'));
  load.tell({
    type: 'config', url: server.url, accounts, concurrency: cfg.concurrency, durationMs: cfg.seconds * 1000,
    warmupMs: cfg.warmupSeconds * 1000, healthzPerSecond: cfg.healthzPerSecond, requestTimeoutMs: REQUEST_TIMEOUT_MS,
  });
  await load.next('ready', 30_000 + cfg.warmupSeconds * 1000);

  // Storm window: from 'start' to the child's 'window-end'.
  const window = startWindow(loopDelay);
  load.tell({ type: 'start' });
  await load.next('window-end', cfg.seconds * 1000 + 30_000);
  const used = window.end();

  const { result } = await load.next('done', REQUEST_TIMEOUT_MS + 5000);
  await load.exited();
  const loadCores = (result.cpuUserUs + result.cpuSystemUs) / (result.drainedMs * 1000);
  return { result, loop: used.loop, elu: used.elu, serverCores: used.cores, loadCores };
}
