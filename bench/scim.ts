import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Redis } from 'ioredis';
import { loadConfig } from '../config/index.js';
import type { Actor } from '../src/directory/index.js';
import { createApp } from '../src/http/app.js';
import { createLogger } from '../src/logger.js';
import { openRuntime, serverDeps, type Runtime } from '../src/runtime.js';
import { checkStop, envInt } from './support/control.js';
import { profileWhile, type ProfileSummary } from './support/cpu-profile.js';
import { LoadProcess } from './support/load-process.js';
import { BENCH_REDIS_URL, connect, infoField, redisCpuSeconds } from './support/redis.js';
import {
  environment, fmtInt, fmtMs, fmtRatio, loadAverage, table, targetsTable, writeResults, type Target,
} from './support/report.js';
import { withResources, type Resources } from './support/resources.js';
import type {
  ChildMessage, LatencyResult, LoadOp, LoadTarget, ParentMessage, ThroughputResult,
} from './support/scim-load.js';
import { scimStyleUsers, verifyAgainstScimLayer, type BenchUser } from './support/scim-users.js';
import { startWindow } from './support/server-meter.js';
import { median, nowMs, runBounded, summarize, type Summary } from './support/stats.js';

// SCIM 2.0 under load, against a bare Express route served by the same process.
//
//  Server: this process. Per directory, openRuntime (its own prefix, job producer, no workers)
//  and createApp, served by one http.Server that also answers GET /bare from a minimal Express
//  app (express() + one res.json route): the baseline shares the process, the event loop, the
//  port and the connections' path with SCIM; only the app differs. Same listening setup as
//  startServer (src/runtime.ts). LOG_LEVEL silent, as in the other benches.
//  Load: a child process (bench/support/scim-load.ts), node:http with keep-alive, N requests in
//  flight, a warm-up then a fixed window; every answer checked (status and body marker).
//
//  1. Small directory: 1,000 users. Filter latency, one request in flight ("at 1,000 users",
//     measured before the large directory exists).
//  2. Large directory: 100,000 users, bulk-created through Directory.createUser: 1/3 as Okta
//     provisions them, 1/3 as Entra ID does (userName = UPN, enterprise extension), 1/3 admin-
//     created password users (no SCIM JSON); the stored SCIM JSON is checked against the real
//     SCIM mapping on a sample.
//  3. Latency, one request in flight, ops interleaved in random order each round (immune to
//     drift): filter on the 1k and the 100k directory, startIndex=1 and startIndex=N-99 (count 100)
//     on the 100k one, GET /bare.
//  4. Throughput on the large directory, passes alternating bare / filter / POST: requests/s
//     answered inside the window, median pass. POSTs create fresh users (Okta body, unique userName).
//     Per pass, the CPU of the server, the load process, Redis and the rest of the machine: the
//     machine may be shared, and the server's CPU time per request is shown as a steadier figure.
//  5. If a target fails (or BENCH_SCIM_PROFILE=true): a CPU profile of this (the server) process
//     during an extra load pass of the op concerned, written to bench/results/scim-<op>.cpuprofile
//     and summarised.
//
//   BENCH_SCIM_USERS              users of the large directory (default 100000)
//   BENCH_SCIM_SMALL_USERS        users of the small directory (default 1000)
//   BENCH_SCIM_CONCURRENCY        requests in flight during throughput passes (default 32)
//   BENCH_SCIM_SECONDS            measured window of each throughput pass (default 5)
//   BENCH_SCIM_WARMUP_SECONDS     warm-up before each window, same load, not measured (default 2)
//   BENCH_SCIM_PASSES             passes per op, alternating; the median pass counts (default 3)
//   BENCH_SCIM_LATENCY_ROUNDS     measured rounds of the latency runs (default 400)
//   BENCH_SCIM_LATENCY_WARMUP     warm-up rounds before them (default 50)
//   BENCH_SCIM_SETUP_CONCURRENCY  createUser calls in flight during setup (default 256)
//   BENCH_SCIM_PROFILE            auto (default: profile what failed), true, false
//   BENCH_SCIM_PROFILE_SECONDS    length of a profiled pass (default 4)

const SYSTEM: Actor = { source: 'system' };
const REQUEST_TIMEOUT_MS = 30_000;
const PAGE_COUNT = 100;
const FILTER_RATIO_TARGET = 0.5;
const POST_RATIO_TARGET = 0.3;
const SCALE_RATIO_TARGET = 1.5;
const DEEP_RATIO_TARGET = 1.5;
const VERIFY_SAMPLE = 1000;
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

function readConfig() {
  const profile = (process.env.BENCH_SCIM_PROFILE ?? 'auto').trim().toLowerCase() || 'auto';
  if (!['auto', 'true', 'false', '1', '0', 'yes', 'no'].includes(profile)) {
    throw new Error(`BENCH_SCIM_PROFILE must be auto, true or false (got "${profile}")`);
  }
  return {
    users: envInt('BENCH_SCIM_USERS', 100_000),
    smallUsers: envInt('BENCH_SCIM_SMALL_USERS', 1000),
    concurrency: envInt('BENCH_SCIM_CONCURRENCY', 32),
    seconds: envInt('BENCH_SCIM_SECONDS', 5),
    warmupSeconds: envInt('BENCH_SCIM_WARMUP_SECONDS', 2),
    passes: envInt('BENCH_SCIM_PASSES', 3),
    latencyRounds: envInt('BENCH_SCIM_LATENCY_ROUNDS', 400),
    latencyWarmup: envInt('BENCH_SCIM_LATENCY_WARMUP', 50),
    setupConcurrency: envInt('BENCH_SCIM_SETUP_CONCURRENCY', 256),
    profile: profile === 'auto' ? ('auto' as const) : ['true', '1', 'yes'].includes(profile),
    profileSeconds: envInt('BENCH_SCIM_PROFILE_SECONDS', 4),
  };
}
type BenchConfig = ReturnType<typeof readConfig>;

const log = (message = '') => console.log(message);

// ---------------------------------------------------------------------------------------------
// The server: the real app and the bare baseline on one http.Server in this process.

interface BenchServer {
  name: string;
  runtime: Runtime;
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

/** As startServer (src/runtime.ts), plus GET /bare answered by a minimal Express app. */
async function startBenchServer(name: string, runtime: Runtime): Promise<BenchServer> {
  const app = createApp(serverDeps(runtime));
  const bare = express();
  bare.disable('x-powered-by');
  bare.get('/bare', (_req, res) => {
    res.json({ ok: true, service: 'rune-directory', bench: 'scim', at: 1 });
  });
  const server = http.createServer((req, res) => (req.url === '/bare' ? bare : app)(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    name,
    runtime,
    server,
    url,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The load process.

class ScimLoadProcess extends LoadProcess<ParentMessage, ChildMessage> {
  private nextId = 1;

  constructor() {
    super('scim-load.ts', 'a load pass');
  }

  /** The answer of `type` to command `id`. */
  private answer<T extends ChildMessage['type']>(type: T, id: number, timeoutMs: number) {
    return this.next(type, timeoutMs, (m) => m.id === id);
  }

  async addTarget(target: LoadTarget, runTag: string): Promise<void> {
    const id = this.nextId++;
    this.tell({ type: 'target', id, target, runTag });
    await this.answer('ok', id, 30_000);
  }

  async latency(ops: { name: string; op: LoadOp }[], rounds: number, warmupRounds: number): Promise<LatencyResult> {
    const id = this.nextId++;
    this.tell({ type: 'latency', id, ops, rounds, warmupRounds, requestTimeoutMs: REQUEST_TIMEOUT_MS });
    return (await this.answer('latency-done', id, (rounds + warmupRounds) * ops.length * REQUEST_TIMEOUT_MS)).result;
  }

  /** A throughput pass, measuring this (the server's) process and Redis during the window. */
  async throughput(cfg: BenchConfig, op: LoadOp, redis: Redis, seconds = cfg.seconds): Promise<PassMeasure> {
    const id = this.nextId++;
    this.tell({
      type: 'throughput', id, op, concurrency: cfg.concurrency, warmupMs: cfg.warmupSeconds * 1000, durationMs: seconds * 1000,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
    await this.answer('window-start', id, cfg.warmupSeconds * 1000 + 30_000);
    const window = startWindow();
    const redisCpu0 = await redisCpuSeconds(redis);
    const machine0 = machineCpu();
    await this.answer('window-end', id, seconds * 1000 + 30_000);
    const server = window.end();
    const machine1 = machineCpu();
    const redisCpu1 = await redisCpuSeconds(redis);
    const { result } = await this.answer('throughput-done', id, REQUEST_TIMEOUT_MS + 10_000);
    const windowS = result.windowMs / 1000;
    const machineCores = ((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * os.cpus().length;
    const serverCores = server.cores;
    const loadCores = (result.cpuUserUs + result.cpuSystemUs) / 1000 / result.windowMs;
    const redisCores = ((redisCpu1 - redisCpu0) * 1000) / server.wallMs;
    return {
      op: op.kind,
      perSecond: result.okInWindow / windowS,
      result,
      latency: summarize(result.latencyMs),
      serverElu: server.elu,
      serverCores,
      loadCores,
      redisCores,
      machineCores,
      otherCores: Math.max(0, machineCores - serverCores - loadCores - redisCores),
    };
  }
}

interface PassMeasure {
  op: LoadOp['kind'];
  perSecond: number;
  result: ThroughputResult;
  latency: Summary;
  /** Event-loop utilization of this (the server) process in the window. */
  serverElu: number;
  serverCores: number;
  loadCores: number;
  /** CPU of the Redis server in the window (all its clients: it is shared). */
  redisCores: number;
  /** CPU the whole machine used in the window (/proc/stat; NaN elsewhere), steal included. */
  machineCores: number;
  /** What neither the server, the load process nor Redis used: other processes on the machine. */
  otherCores: number;
}

/** Jiffies of the whole machine from /proc/stat: busy (incl. steal) and total; NaN off Linux. */
function machineCpu(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
    return { busy, total: busy + idle! + iowait! };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

// ---------------------------------------------------------------------------------------------

export async function run(): Promise<{ targets: Target[] }> {
  const cfg = readConfig();
  return withResources(connect(), (res) => bench(cfg, res.redis, res));
}

/** A directory of `count` SCIM-style users behind its own runtime and server, with a SCIM token. */
async function openDirectory(cfg: BenchConfig, redis: Redis, res: Resources, label: string, name: string, count: number, seed: number) {
  const scope = await res.prefix(label);
  const config = loadConfig({ REDIS_URL: BENCH_REDIS_URL, REDIS_PREFIX: scope.prefix, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  const runtime = openRuntime(config, createLogger('silent'), { jobs: true });
  res.onRelease(`the ${name} runtime`, () => runtime.close());

  let t = nowMs();
  const users = scimStyleUsers(count, seed);
  const verified = verifyAgainstScimLayer(users, VERIFY_SAMPLE);
  const generateMs = nowMs() - t;
  t = nowMs();
  await runBounded(users.length, cfg.setupConcurrency, (i) => runtime.directory.createUser(users[i]!.user, SYSTEM));
  const createMs = nowMs() - t;
  const total = await runtime.directory.countUsers();
  if (total !== count) throw new Error(`expected ${count} users under ${scope.prefix}, the directory holds ${total}`);
  const { token } = await runtime.directory.createScimToken(`Okta (bench ${name})`);
  const server = await startBenchServer(name, runtime);
  res.onRelease(`the ${name} server`, () => server.close());
  const styles = (s: BenchUser['style']) => users.filter((u) => u.style === s).length;
  log(`${name}: ${fmtInt(count)} users under ${scope.pattern} (${styles('okta')} Okta-style, ${styles('entra')} Entra-style, ` +
    `${styles('admin')} admin-created; ${verified} checked against the SCIM mapping) generated in ${fmtMs(generateMs)} ms, ` +
    `created in ${(createMs / 1000).toFixed(2)} s = ${fmtInt(count / (createMs / 1000))} users/s; server ${server.url}`);
  const target: LoadTarget = { name, url: server.url, scimToken: token, userNames: users.map((u) => u.userName) };
  return { scope, runtime, server, target, count, createMs };
}

async function bench(cfg: BenchConfig, redis: Redis, res: Resources): Promise<{ targets: Target[] }> {
  const redisVersion = (await infoField(redis, 'server', 'redis_version')) ?? '?';
  const runTag = randomBytes(4).toString('hex');
  log(`scim: ${fmtInt(cfg.users)} users (and ${fmtInt(cfg.smallUsers)}), ${cfg.concurrency} requests in flight, ` +
    `${cfg.passes} × ${cfg.seconds} s passes per op after ${cfg.warmupSeconds} s warm-up each`);
  log(`Node ${process.version}, Redis ${redisVersion}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? '?'}); ` +
    `load average at start ${loadAverage()}; server: this process, pid ${process.pid}`);

  const load = res.process(new ScimLoadProcess());
  log(`load process: pid ${load.pid}`);

  // 1. Small directory, filter latency at 1,000 users.
  const small = await openDirectory(cfg, redis, res, 'scim1k', 'small', cfg.smallUsers, 1001);
  await load.addTarget(small.target, runTag);
  checkStop();
  const filterSmall: LoadOp = { kind: 'filter', target: 'small' };
  const l1 = await load.latency([{ name: 'filterSmall', op: filterSmall }], cfg.latencyRounds * 2, cfg.latencyWarmup * 2);
  if (l1.failures > 0) throw new Error(`filter at ${cfg.smallUsers} users: ${l1.failures} failed: ${l1.errors.join(' | ')}`);
  const filterSmallFirst = summarize(l1.samples.filterSmall!);
  log(`filter at ${fmtInt(cfg.smallUsers)} users, 1 in flight: median ${fmtMs(filterSmallFirst.medianMs)} ms, ` +
    `p99 ${fmtMs(filterSmallFirst.p99Ms)} ms (${filterSmallFirst.n} requests)`);

  // 2. Large directory.
  checkStop();
  const large = await openDirectory(cfg, redis, res, 'scim100k', 'large', cfg.users, 2002);
  await load.addTarget(large.target, runTag);
  const deepStart = Math.max(1, cfg.users - PAGE_COUNT + 1);

  // 3. Latency, interleaved.
  checkStop();
  const ops: { name: string; label: string; op: LoadOp }[] = [
    { name: 'filterSmall', label: `filter userName eq, ${fmtInt(cfg.smallUsers)} users`, op: filterSmall },
    { name: 'filterLarge', label: `filter userName eq, ${fmtInt(cfg.users)} users`, op: { kind: 'filter', target: 'large' } },
    { name: 'pageFirst', label: `startIndex=1&count=${PAGE_COUNT}`, op: { kind: 'page', target: 'large', startIndex: 1, count: PAGE_COUNT } },
    { name: 'pageDeep', label: `startIndex=${deepStart}&count=${PAGE_COUNT}`, op: { kind: 'page', target: 'large', startIndex: deepStart, count: PAGE_COUNT } },
    { name: 'bare', label: 'GET /bare', op: { kind: 'bare', target: 'large' } },
  ];
  let t = nowMs();
  const l2 = await load.latency(ops.map(({ name, op }) => ({ name, op })), cfg.latencyRounds, cfg.latencyWarmup);
  if (l2.failures > 0) throw new Error(`latency run: ${l2.failures} failed: ${l2.errors.join(' | ')}`);
  const lat = Object.fromEntries(ops.map((o) => [o.name, summarize(l2.samples[o.name]!)])) as Record<string, Summary>;
  log(`latency run: ${cfg.latencyRounds} rounds (+${cfg.latencyWarmup} warm-up) of ${ops.length} ops, 1 in flight, ` +
    `random order per round, in ${((nowMs() - t) / 1000).toFixed(1)} s`);

  // 4. Throughput on the large directory, alternating passes.
  const passes: PassMeasure[] = [];
  const throughputOps: LoadOp[] = [{ kind: 'bare', target: 'large' }, { kind: 'filter', target: 'large' }, { kind: 'post', target: 'large' }];
  for (let pass = 1; pass <= cfg.passes; pass++) {
    for (const op of throughputOps) {
      checkStop();
      const m = await load.throughput(cfg, op, redis);
      passes.push(m);
      const r = m.result;
      log(`pass ${pass} ${op.kind.padEnd(6)}: ${fmtInt(m.perSecond).padStart(6)} req/s; median ${fmtMs(m.latency.medianMs)} ms, ` +
        `p99 ${fmtMs(m.latency.p99Ms)} ms; server ELU ${(m.serverElu * 100).toFixed(0)} %, CPU ${m.serverCores.toFixed(2)} / ` +
        `load ${m.loadCores.toFixed(2)} / Redis ${m.redisCores.toFixed(2)} / other processes ${m.otherCores.toFixed(2)} cores` +
        (r.failures > 0 ? `; ${r.failures} FAILED: ${r.errors.slice(0, 2).join(' | ')}` : '') +
        (r.warmup.failures > 0 ? `; ${r.warmup.failures} warm-up failures` : ''));
    }
  }
  const postsMade = await large.runtime.directory.countUsers() - cfg.users;

  const of = (kind: LoadOp['kind']) => passes.filter((p) => p.op === kind);
  // The median pass: one pass disturbed by another process on the (shared) machine does not count.
  const medianRate = (kind: LoadOp['kind']) => median(of(kind).map((p) => p.perSecond));
  // Main-thread capacity per request, from the server's CPU time: less sensitive to other processes
  // taking CPUs away (a diagnostic next to the targets, which are on throughput as specified).
  const cpuPerRequestUs = (kind: LoadOp['kind']) =>
    median(of(kind).map((p) => (p.serverCores * p.result.windowMs * 1000) / Math.max(1, p.result.okInWindow)));
  const pooled = (kind: LoadOp['kind']) => summarize(of(kind).flatMap((p) => p.result.latencyMs));
  const failures = (kind: LoadOp['kind']) => of(kind).reduce((s, p) => s + p.result.failures, 0);
  const rates = { bare: medianRate('bare'), filter: medianRate('filter'), post: medianRate('post') };
  const cpuUs = { bare: cpuPerRequestUs('bare'), filter: cpuPerRequestUs('filter'), post: cpuPerRequestUs('post') };
  const bareSpread = (Math.max(...of('bare').map((p) => p.perSecond)) - Math.min(...of('bare').map((p) => p.perSecond))) / rates.bare;
  const ratios = {
    filterOverBare: rates.filter / rates.bare,
    postOverBare: rates.post / rates.bare,
    /** bare CPU per request / op CPU per request: the throughput ratio if CPU time alone decided it. */
    filterOverBareByCpu: cpuUs.bare / cpuUs.filter,
    postOverBareByCpu: cpuUs.bare / cpuUs.post,
    filterLargeOverSmall: lat.filterLarge!.medianMs / lat.filterSmall!.medianMs,
    filterLargeOverSmallFirst: lat.filterLarge!.medianMs / filterSmallFirst.medianMs,
    deepOverFirst: lat.pageDeep!.medianMs / lat.pageFirst!.medianMs,
  };
  const allFailures = failures('bare') + failures('filter') + failures('post');

  const targets: Target[] = [
    {
      name: `1. GET filter userName eq throughput / bare (${fmtInt(cfg.users)} users)`,
      measured: `${ratios.filterOverBare.toFixed(3)} (${fmtInt(rates.filter)} / ${fmtInt(rates.bare)} req/s)`,
      limit: `>= ${FILTER_RATIO_TARGET}`, pass: ratios.filterOverBare >= FILTER_RATIO_TARGET && failures('filter') === 0,
    },
    {
      name: '2. POST /Users throughput / bare',
      measured: `${ratios.postOverBare.toFixed(3)} (${fmtInt(rates.post)} / ${fmtInt(rates.bare)} req/s)`,
      limit: `>= ${POST_RATIO_TARGET}`, pass: ratios.postOverBare >= POST_RATIO_TARGET && failures('post') === 0,
    },
    {
      name: `3. filter median latency, ${fmtInt(cfg.users)} / ${fmtInt(cfg.smallUsers)} users (interleaved)`,
      measured: `${fmtRatio(ratios.filterLargeOverSmall)} (${fmtMs(lat.filterLarge!.medianMs)} / ${fmtMs(lat.filterSmall!.medianMs)} ms)`,
      limit: `<= ${SCALE_RATIO_TARGET}×`, pass: ratios.filterLargeOverSmall <= SCALE_RATIO_TARGET,
    },
    {
      name: `4. startIndex=${deepStart} / startIndex=1 median latency (count ${PAGE_COUNT})`,
      measured: `${fmtRatio(ratios.deepOverFirst)} (${fmtMs(lat.pageDeep!.medianMs)} / ${fmtMs(lat.pageFirst!.medianMs)} ms)`,
      limit: `<= ${DEEP_RATIO_TARGET}×`, pass: ratios.deepOverFirst <= DEEP_RATIO_TARGET,
    },
  ];

  // 5. CPU profiles of what failed (or of filter and POST when asked), and of the bare route for
  //    reference: per-request main-thread time is what the throughput ratios come down to.
  const profileOps = new Map<string, LoadOp>();
  const wanted = (i: number) => cfg.profile === true || (cfg.profile === 'auto' && !targets[i]!.pass);
  if (wanted(0) || wanted(2)) profileOps.set('filter', { kind: 'filter', target: 'large' });
  if (wanted(1)) profileOps.set('post', { kind: 'post', target: 'large' });
  if (wanted(3)) profileOps.set('page-deep', { kind: 'page', target: 'large', startIndex: deepStart, count: PAGE_COUNT });
  if (profileOps.size > 0) profileOps.set('bare', { kind: 'bare', target: 'large' });
  const profiles: Record<string, { summary: ProfileSummary; perSecond: number }> = {};
  for (const [name, op] of profileOps) {
    checkStop();
    const file = `${RESULTS_DIR}scim-${name}.cpuprofile`;
    const answered = (m: PassMeasure) => m.result.warmup.requests + Object.values(m.result.statuses).reduce((a, b) => a + b, 0);
    const { value, summary } = await profileWhile(file, () => load.throughput(cfg, op, redis, cfg.profileSeconds), answered);
    profiles[name] = { summary, perSecond: value.perSecond };
  }

  // Summary.
  log();
  log(`=== scim summary (${fmtInt(cfg.users)} users, ${cfg.concurrency} in flight, ${cfg.passes} × ${cfg.seconds} s per op, ` +
    `${os.cpus().length} CPUs) ===`);
  log(table(['throughput (large directory)', '>req/s', '>passes', '>median ms', '>p99 ms', '>server ELU', '>server CPU', '>CPU µs/req',
    '>load CPU', '>Redis CPU', '>other CPU', '>failed'],
    (['bare', 'filter', 'post'] as const).map((kind) => {
      const l = pooled(kind);
      const mean = (f: (p: PassMeasure) => number) => of(kind).reduce((s, p) => s + f(p), 0) / of(kind).length;
      return [
        { bare: 'GET /bare (baseline)', filter: 'GET /Users?filter=userName eq "…"', post: 'POST /Users (Okta body)' }[kind],
        fmtInt(rates[kind]), of(kind).map((p) => fmtInt(p.perSecond)).join(' / '), fmtMs(l.medianMs), fmtMs(l.p99Ms),
        `${(mean((p) => p.serverElu) * 100).toFixed(0)} %`, mean((p) => p.serverCores).toFixed(2), cpuUs[kind].toFixed(0),
        mean((p) => p.loadCores).toFixed(2),
        mean((p) => p.redisCores).toFixed(2), mean((p) => p.otherCores).toFixed(2), fmtInt(failures(kind)),
      ];
    })));
  log(`(req/s: median pass; CPU in cores of ${os.cpus().length}, mean of the passes; CPU µs/req: server CPU time per request, ` +
    `median pass; the server process includes the bench; Redis CPU counts all its clients; other: the rest of the machine. ` +
    `${fmtInt(postsMade)} users created by POST.)`);
  log(`by server CPU per request instead of throughput: filter / bare ${ratios.filterOverBareByCpu.toFixed(3)}, ` +
    `POST / bare ${ratios.postOverBareByCpu.toFixed(3)} (diagnostic: less sensitive to other processes)`);
  const busiestOther = Math.max(...passes.map((p) => p.otherCores));
  if (busiestOther > 0.25) {
    log(`WARNING: other processes used up to ${busiestOther.toFixed(2)} cores during a pass: the server did not have the machine to ` +
      'itself, so throughputs (and, less so, the ratios) are noisy; rerun when the machine is quiet');
  }
  if (bareSpread > 0.15) {
    log(`WARNING: the bare passes differ by ${(bareSpread * 100).toFixed(0)} % (load average now ${loadAverage()}): ` +
      'something else was using the CPUs; the ratios are less reliable');
  }
  log();
  log(table(['latency, 1 in flight (ms)', '>median', '>p99', '>mean', '>max', '>n'], [
    ...ops.map((o) => {
      const s = lat[o.name]!;
      return [o.label, fmtMs(s.medianMs), fmtMs(s.p99Ms), fmtMs(s.meanMs), fmtMs(s.maxMs), fmtInt(s.n)];
    }),
    [`filter, ${fmtInt(cfg.smallUsers)} users, before the large directory existed`, fmtMs(filterSmallFirst.medianMs),
      fmtMs(filterSmallFirst.p99Ms), fmtMs(filterSmallFirst.meanMs), fmtMs(filterSmallFirst.maxMs), fmtInt(filterSmallFirst.n)],
  ]));
  log(`(interleaved rows: ${cfg.latencyRounds} rounds after ${cfg.latencyWarmup} warm-up, ops in random order each round; ` +
    `filter 100k / 1k measured first: ${fmtRatio(ratios.filterLargeOverSmallFirst)})`);
  log();
  log(targetsTable(targets));
  if (allFailures > 0) log(`WARNING: ${allFailures} requests failed during the throughput passes`);

  for (const [name, { summary, perSecond }] of Object.entries(profiles)) {
    const pct = (r: { share: number }) => `${(r.share * 100).toFixed(1)} %`;
    const us = (r: { perRequestUs?: number }) => (r.perRequestUs === undefined ? '-' : r.perRequestUs.toFixed(1));
    log();
    log(`--- CPU profile of the server process under ${name} load: ${(summary.durationMs / 1000).toFixed(1)} s incl. warm-up, ` +
      `${fmtInt(summary.requests ?? 0)} requests, ${fmtInt(perSecond)} req/s in its window; main thread busy ` +
      `${((summary.busyMs / summary.durationMs) * 100).toFixed(0)} %, ${summary.busyPerRequestUs?.toFixed(0) ?? '-'} µs per request`);
    log(`    ${summary.file}`);
    log(table(['self time by package / file', '>ms', '>busy', '>µs/req'], summary.byArea.map((r) => [r.name, fmtInt(r.ms), pct(r), us(r)])));
    if (name === 'bare') continue;
    log();
    log(table(['top functions, self time', '>ms', '>busy', '>µs/req'], summary.topSelf.map((r) => [r.name, fmtInt(r.ms), pct(r), us(r)])));
    log();
    log(table(['project functions, inclusive (middleware: incl. what runs inside its next())', '>ms', '>busy', '>µs/req'],
      summary.projectInclusive.map((r) => [r.name, fmtInt(r.ms), pct(r), us(r)])));
  }

  const file = await writeResults('scim', {
    bench: 'scim',
    at: new Date().toISOString(),
    environment: environment(redisVersion),
    config: {
      ...cfg, pageCount: PAGE_COUNT, deepStartIndex: deepStart, prefixes: { small: small.scope.prefix, large: large.scope.prefix },
      server: 'this process: openRuntime + createApp, one http.Server also answering GET /bare from a minimal Express app; LOG_LEVEL silent; no job workers',
      load: 'child process, node:http keep-alive agent, fixed concurrency, warm-up then a fixed window; answers checked',
    },
    setup: {
      small: { users: small.count, createSeconds: small.createMs / 1000 },
      large: { users: large.count, createSeconds: large.createMs / 1000 },
      usersCreatedByPost: postsMade,
    },
    throughput: {
      perSecond: rates,
      aggregation: 'median of the passes',
      serverCpuPerRequestUs: cpuUs,
      bareSpread,
      latencyUnderLoad: { bare: pooled('bare'), filter: pooled('filter'), post: pooled('post') },
      passes: passes.map((p) => ({
        op: p.op, perSecond: p.perSecond, okInWindow: p.result.okInWindow, windowMs: p.result.windowMs, latency: p.latency,
        statuses: p.result.statuses, failures: p.result.failures, errors: p.result.errors, warmup: p.result.warmup,
        serverEventLoopUtilization: p.serverElu, serverCpuCores: p.serverCores, loadProcessCpuCores: p.loadCores, redisCpuCores: p.redisCores,
        machineCpuCores: p.machineCores, otherProcessesCpuCores: p.otherCores,
      })),
    },
    latency: {
      rounds: cfg.latencyRounds,
      warmupRounds: cfg.latencyWarmup,
      interleaved: Object.fromEntries(ops.map((o) => [o.name, { label: o.label, ...lat[o.name]! }])),
      filterSmallMeasuredFirst: filterSmallFirst,
    },
    ratios,
    targets,
    profiles: Object.fromEntries(Object.entries(profiles).map(([name, p]) => [name, { perSecondWhileProfiled: p.perSecond, ...p.summary }])),
  });
  log(`results: ${file}`);
  return { targets };
}
