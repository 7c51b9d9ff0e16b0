import os from 'node:os';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { loadConfig, type Config } from '../config/index.js';
import { createLogger } from '../src/logger.js';
import { openRuntime, startServer, type RunningServer } from '../src/runtime.js';
import { ResponseValidator } from '../src/saml/response-validator.js';
import { samlSettings, validationSettings } from '../src/saml/saml-settings.js';
import { SamlValidationPool } from '../src/saml/validation-pool.js';
import { idpResponse, samlEnv, type Signed } from '../test/saml/support/test-idp.js';
import { checkStop, envInt } from './support/control.js';
import { LoadProcess } from './support/load-process.js';
import type { SamlChildMessage, SamlParentMessage } from './support/saml-load.js';
import { BENCH_REDIS_URL, connect, infoField, redisCpuSeconds } from './support/redis.js';
import { environment, fmtInt, fmtMs, loadAverage, table, targetsTable, writeResults, type Target } from './support/report.js';
import { withResources, type Resources } from './support/resources.js';
import { EVENT_LOOP_RESOLUTION_MS, LoopDelayMonitor, loopDelayTarget, startWindow } from './support/server-meter.js';
import { nowMs, summarize } from './support/stats.js';

// SAML sign-in under load. Validating a signed response is CPU work (XPath, canonicalisation,
// RSA, garbage) that the service does in a worker-thread pool; this shows that it keeps the
// event loop free and that the pool turns the machine's cores into ACS logins.
//
//  1. Baseline, on this process's main thread, one validation at a time, of one signed response
//     of the same shape as the storm's: node-saml's validatePostResponseAsync alone (the
//     reference of the throughput target), and the service's whole check (ResponseValidator:
//     structure guard + node-saml + the signed-assertion checks), before the storm and after it.
//  2. Storm: the real HTTP server in this process (openRuntime + startServer, port 0, its own
//     prefix) with SAML configured and validation in the piscina pool (SAML_POOL_SIZE, default
//     one thread per CPU). A child process (bench/support/saml-load.ts) first prepares every
//     login as a browser and the IdP would, before the storm: GET /saml/login (a fresh
//     AuthnRequest id bound to a fresh login cookie), then a response signed by the test IdP
//     answering it, with a fresh assertion id. SP-initiated rather than IdP-initiated, so the
//     storm goes through the whole ACS (InResponseTo bound to the browser and spent with GETDEL,
//     assertion id SET NX, user lookup, session, audit); preparing before the storm keeps the
//     signing (as costly as validating) off the CPUs being measured. The child then posts the
//     prepared logins, each once, at fixed concurrency, and samples GET /healthz.
//  3. The server's event-loop delay during the storm (monitorEventLoopDelay, 10 ms resolution).
//  4. The pool alone, without HTTP or Redis: the same response through SamlValidationPool at the
//     storm's concurrency. It separates how well the threads scale from what each login costs
//     besides validation (HTTP, the load process, Redis), which shares the same cores here.
//
//   BENCH_SAML_USERS             distinct people signing in (default 50; the warm-up creates them)
//   BENCH_SAML_CONCURRENCY       ACS posts in flight (default 16)
//   BENCH_SAML_SECONDS           storm duration (default 8)
//   BENCH_SAML_WARMUP_LOGINS     logins posted before the storm (default 400: users, threads, JIT)
//   BENCH_SAML_BASELINE_SECONDS  each single-thread validation pass (default 3)
//   BENCH_SAML_HEALTHZ_PER_SECOND  GET /healthz samples a second during the storm (default 5)
//   BENCH_SAML_SIGN              what the IdP signs: assertion (default, as Okta and Entra do out of
//                                the box), response, or both (twice the verification work)
//   SAML_POOL_SIZE               validation threads, as for the service (default: CPUs)

const EVENT_LOOP_P99_TARGET_MS = 50;
const THROUGHPUT_SHARE_TARGET = 0.8;
const REQUEST_TIMEOUT_MS = 30_000;
/** Prepared logins: enough for every core at the whole check's single-thread rate, plus margin. */
const PREPARE_MARGIN = 1.3;
const POOL_WARMUP_MS = 1500;

// What Okta or Entra typically send: the profile and a dozen groups (about 6 KB of XML).
const ATTRIBUTES = {
  email: 'person@bench.test',
  firstName: 'Bench',
  lastName: 'Person',
  displayName: 'Bench Person',
  groups: ['Everyone', 'Engineering', 'eng-platform', 'eng-oncall', 'vpn-users', 'github-org', 'jira-users',
    'confluence-users', 'slack-users', 'rune-users', 'office-paris', 'all-hands'],
};

function readConfig() {
  return {
    users: envInt('BENCH_SAML_USERS', 50),
    concurrency: envInt('BENCH_SAML_CONCURRENCY', 16),
    seconds: envInt('BENCH_SAML_SECONDS', 8),
    warmupLogins: envInt('BENCH_SAML_WARMUP_LOGINS', 400),
    baselineSeconds: envInt('BENCH_SAML_BASELINE_SECONDS', 3),
    healthzPerSecond: envInt('BENCH_SAML_HEALTHZ_PER_SECOND', 5),
    sign: signedParts(process.env.BENCH_SAML_SIGN),
  };
}

function signedParts(value: string | undefined): Signed {
  if (value === undefined || value === '') return 'assertion';
  if (value === 'assertion' || value === 'response' || value === 'both') return value;
  throw new Error(`BENCH_SAML_SIGN must be assertion, response or both (got "${value}")`);
}
type BenchConfig = ReturnType<typeof readConfig>;

const log = (message = '') => console.log(message);

export async function run(): Promise<{ targets: Target[] }> {
  const cfg = readConfig();
  return withResources(connect(), (res) => bench(cfg, res));
}

async function bench(cfg: BenchConfig, res: Resources): Promise<{ targets: Target[] }> {
  const redisVersion = (await infoField(res.redis, 'server', 'redis_version')) ?? '?';
  const cores = os.availableParallelism();
  const loopDelay = new LoopDelayMonitor();

  const scope = await res.prefix('saml');
  const config: Config = loadConfig({
    ...samlEnv(),
    // The tests' environment pins two threads; the bench sizes the pool as the service does.
    SAML_POOL_SIZE: process.env.SAML_POOL_SIZE ?? String(cores),
    REDIS_URL: BENCH_REDIS_URL,
    REDIS_PREFIX: scope.prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  });
  const settings = samlSettings(config)!;
  log(`saml-acs: ${cores} CPUs (${os.cpus()[0]?.model.trim() ?? '?'}), pool of ${settings.poolSize} validation threads; ` +
    `${cfg.concurrency} posts in flight, ${cfg.seconds} s storm; Node ${process.version}, Redis ${redisVersion}`);
  log(`prefix: ${scope.prefix} (keys ${scope.pattern}); load average at start ${loadAverage()}`);

  // 1. Baseline: one signed response, validated again and again on this thread.
  const sample = await idpResponse({ inResponseTo: '_bench', nameId: 'person@bench.test', attributes: ATTRIBUTES, sign: cfg.sign });
  const nodeSaml = new SAML({
    idpCert: [...settings.idpCerts], issuer: settings.spEntityId, audience: settings.spEntityId, callbackUrl: settings.acsUrl,
    wantAuthnResponseSigned: cfg.sign !== 'assertion', wantAssertionsSigned: cfg.sign !== 'response', acceptedClockSkewMs: settings.clockSkewMs,
    validateInResponseTo: ValidateInResponseTo.never,
  });
  const validator = new ResponseValidator(validationSettings(settings));
  const validateNodeSaml = async () => {
    if (!(await nodeSaml.validatePostResponseAsync({ SAMLResponse: sample.base64 })).profile) throw new Error('node-saml refused the sample');
  };
  const validateWhole = async () => {
    if (!(await validator.validate(sample.base64)).ok) throw new Error('the service refused the sample');
  };
  log(`sample response: ${fmtInt(Buffer.byteLength(sample.xml))} bytes of XML, ${cfg.sign === 'both' ? 'response and assertion' : cfg.sign} signed (RSA-SHA256)`);
  const before = { nodeSaml: await singleThreadRate(cfg, validateNodeSaml), whole: await singleThreadRate(cfg, validateWhole) };
  log(`single thread, before the storm: node-saml ${before.nodeSaml.perSecond.toFixed(1)} validations/s ` +
    `(${fmtMs(before.nodeSaml.latency.medianMs)} ms each), whole check ${before.whole.perSecond.toFixed(1)}/s (${fmtMs(before.whole.latency.medianMs)} ms)`);

  // 2. Storm.
  const runtime = openRuntime(config, createLogger(config.logLevel), { jobs: true });
  res.onRelease('the runtime', () => runtime.close());
  const server = await startServer(runtime);
  res.onRelease('the server', () => server.close());
  log(`server: ${server.url} (in this process, pid ${process.pid})`);
  const responses = Math.ceil(cores * before.whole.perSecond * cfg.seconds * PREPARE_MARGIN) + cfg.warmupLogins + cfg.concurrency;
  const storm = await runStorm(cfg, res, server, responses, loopDelay);
  const r = storm.result;
  if (r.okInWindow === 0) throw new Error(`no login succeeded during the storm: ${JSON.stringify(r.statuses)} ${r.errors.join('; ')}`);
  const loginsPerSecond = r.okInWindow / (r.windowMs / 1000);
  const login = summarize(r.loginMs);
  const health = summarize(r.healthzMs);
  const failed = Object.entries(r.statuses).filter(([status]) => status !== '302').reduce((s, [, n]) => s + n, 0);
  log(`storm: ${fmtInt(r.okInWindow)} ACS logins in ${cfg.seconds} s = ${loginsPerSecond.toFixed(1)}/s; median ${fmtMs(login.medianMs)} ms, ` +
    `p99 ${fmtMs(login.p99Ms)} ms; statuses ${JSON.stringify(r.statuses)}${r.exhausted ? ' (ran out of prepared logins!)' : ''}`);
  if (r.errors.length > 0) log(`  errors: ${r.errors.slice(0, 3).join(' | ')}`);

  const after = { nodeSaml: await singleThreadRate(cfg, validateNodeSaml), whole: await singleThreadRate(cfg, validateWhole) };
  log(`single thread, after the storm: node-saml ${after.nodeSaml.perSecond.toFixed(1)}/s, whole check ${after.whole.perSecond.toFixed(1)}/s`);
  loopDelay.disable();

  // 4. The pool alone.
  const pool = new SamlValidationPool(validationSettings(settings), settings.poolSize);
  let poolAlone;
  try {
    poolAlone = await poolRate(cfg, pool, sample.base64);
  } finally {
    await pool.close();
  }
  log(`pool alone (${settings.poolSize} threads, ${cfg.concurrency} in flight): ${poolAlone.toFixed(1)} validations/s`);

  const nodeSamlRate = (before.nodeSaml.perSecond + after.nodeSaml.perSecond) / 2;
  const wholeRate = (before.whole.perSecond + after.whole.perSecond) / 2;
  const spread = Math.abs(before.nodeSaml.perSecond - after.nodeSaml.perSecond) / nodeSamlRate;
  const throughputTarget = THROUGHPUT_SHARE_TARGET * cores * nodeSamlRate;
  const el = storm.loop;

  const targets: Target[] = [
    loopDelayTarget(el, EVENT_LOOP_P99_TARGET_MS),
    {
      name: `ACS logins/s vs ${THROUGHPUT_SHARE_TARGET} × ${cores} cores × node-saml single-thread rate`,
      measured: `${loginsPerSecond.toFixed(1)} /s`, limit: `≥ ${throughputTarget.toFixed(1)} /s`,
      pass: loginsPerSecond >= throughputTarget && !r.exhausted,
    },
    { name: 'failed logins during the storm', measured: fmtInt(failed), limit: '0', pass: failed === 0 },
  ];

  log();
  log(`=== saml-acs summary (${cores} CPUs, ${settings.poolSize} validation threads, ${cfg.concurrency} in flight) ===`);
  log(table(['measure', '>value'], [
    ['node-saml validation, 1 thread (before / after storm)', `${before.nodeSaml.perSecond.toFixed(1)} / ${after.nodeSaml.perSecond.toFixed(1)} /s`],
    ['whole check (guard + node-saml + assertion), 1 thread (before / after)', `${before.whole.perSecond.toFixed(1)} / ${after.whole.perSecond.toFixed(1)} /s`],
    ['node-saml CPU per validation (1 / mean rate)', `${fmtMs(1000 / nodeSamlRate)} ms`],
    [`POST /saml/acs logins (${cfg.seconds} s storm)`, `${loginsPerSecond.toFixed(1)} /s`],
    ['logins/s ÷ (cores × node-saml rate)', (loginsPerSecond / (cores * nodeSamlRate)).toFixed(3)],
    ['logins/s ÷ (cores × whole-check rate)', (loginsPerSecond / (cores * wholeRate)).toFixed(3)],
    [`pool alone, no HTTP or Redis (${settings.poolSize} threads)`, `${poolAlone.toFixed(1)} /s`],
    ['pool alone ÷ (threads × whole-check rate)', (poolAlone / (settings.poolSize * wholeRate)).toFixed(3)],
    ['server process CPU during storm (main thread + validation threads)', `${storm.serverCores.toFixed(2)} cores`],
    ['  of which the event loop (utilization × 1 core)', `${storm.elu.toFixed(2)} cores`],
    ['load process CPU during storm', `${storm.loadCores.toFixed(2)} cores`],
    ['Redis server CPU during storm (shared server: all its clients)', `${storm.redisCores.toFixed(2)} cores`],
    ['validation-thread CPU per ACS login ((server − event loop) ÷ logins)', `${fmtMs(((storm.serverCores - storm.elu) * 1000) / loginsPerSecond)} ms`],
    ['logins prepared before the storm (GET /saml/login + IdP signature)', `${fmtInt(storm.prepared)} in ${(r.prepareMs / 1000).toFixed(1)} s`],
  ]));
  log();
  log(table(['latency (ms)', '>n', '>median', '>p99', '>max'], [
    ['POST /saml/acs (load process)', fmtInt(login.n), fmtMs(login.medianMs), fmtMs(login.p99Ms), fmtMs(login.maxMs)],
    ['GET /healthz during storm (load process)', fmtInt(health.n), fmtMs(health.medianMs), fmtMs(health.p99Ms), fmtMs(health.maxMs)],
  ]));
  if (r.healthzFailures > 0) log(`GET /healthz: ${r.healthzFailures} failed`);
  const budget = storm.serverCores + storm.loadCores + storm.redisCores;
  log(`CPU during the storm: server ${storm.serverCores.toFixed(2)} + load ${storm.loadCores.toFixed(2)} + Redis ${storm.redisCores.toFixed(2)} = ` +
    `${budget.toFixed(2)} of ${cores} cores${budget > cores * 0.9 ? ': the machine was saturated' : ''}`);
  if (spread > 0.15) {
    log(`WARNING: the single-thread rates before and after the storm differ by ${(spread * 100).toFixed(0)} %: ` +
      `something else was using the CPUs (load average now ${loadAverage()}); the ratio is unreliable`);
  }
  log();
  log(table(['server event-loop delay (ms)', '>p50', '>p99', '>max', '>samples'], [
    ['during storm, raw (timer interval, incl. 10 ms)', fmtMs(el.p50Ms), fmtMs(el.p99Ms), fmtMs(el.maxMs), fmtInt(el.count)],
  ]));
  // For contrast: on the event loop, every validation would hold it for its whole duration, and
  // a request would queue behind all the validations in flight.
  log(`(validated on the event loop instead: ${fmtMs(before.nodeSaml.latency.medianMs)} ms blocked per login, ` +
    `~${fmtMs(before.whole.latency.medianMs * cfg.concurrency)} ms for a request behind ${cfg.concurrency} of them)`);
  log();
  log(targetsTable(targets));

  const file = await writeResults('saml', {
    bench: 'saml',
    at: new Date().toISOString(),
    environment: { ...environment(redisVersion), cpus: cores },
    config: { ...cfg, prefix: scope.prefix, poolSize: settings.poolSize, sampleXmlBytes: Buffer.byteLength(sample.xml), eventLoopResolutionMs: EVENT_LOOP_RESOLUTION_MS },
    baseline: { before, after, nodeSamlMeanPerSecond: nodeSamlRate, wholeCheckMeanPerSecond: wholeRate, spread, poolAlonePerSecond: poolAlone },
    storm: {
      loginsInWindow: r.okInWindow, loginsPerSecond, statuses: r.statuses, errors: r.errors, exhausted: r.exhausted,
      prepared: storm.prepared, prepareMs: r.prepareMs, warmup: r.warmup, drainedMs: r.drainedMs,
      loginLatency: login, healthzLatency: health, healthzFailures: r.healthzFailures,
      serverEventLoopDelay: el, serverEventLoopUtilization: storm.elu, serverCpuCores: storm.serverCores, loadProcessCpuCores: storm.loadCores,
      redisCpuCores: storm.redisCores,
    },
    targets,
  });
  log(`results: ${file}`);
  return { targets };
}

/** Validations completed per second, one at a time, for baselineSeconds (after a short warm-up). */
async function singleThreadRate(cfg: BenchConfig, validate: () => Promise<void>) {
  for (let i = 0; i < 50; i++) await validate();
  const latencies: number[] = [];
  const start = nowMs();
  const end = start + cfg.baselineSeconds * 1000;
  while (nowMs() < end) {
    checkStop();
    const t = nowMs();
    await validate();
    latencies.push(nowMs() - t);
  }
  return { perSecond: latencies.length / ((nowMs() - start) / 1000), latency: summarize(latencies) };
}

/** Validations/s through the pool at the storm's concurrency, once its new threads are warm (JIT). */
async function poolRate(cfg: BenchConfig, pool: SamlValidationPool, samlResponse: string): Promise<number> {
  const during = async (ms: number) => {
    let completed = 0;
    const end = nowMs() + ms;
    await Promise.all(Array.from({ length: cfg.concurrency }, async () => {
      while (nowMs() < end) {
        checkStop();
        const outcome = await pool.validate(samlResponse);
        if (!outcome.ok) throw new Error(`the pool refused the sample: ${outcome.detail}`);
        if (nowMs() <= end) completed++;
      }
    }));
    return completed / (ms / 1000);
  };
  await during(POOL_WARMUP_MS);
  return during(cfg.baselineSeconds * 1000);
}

/** Forks the load process, lets it prepare and warm up, then runs the storm, measuring this process meanwhile. */
async function runStorm(cfg: BenchConfig, res: Resources, server: RunningServer, responses: number, loopDelay: LoopDelayMonitor) {
  const load = res.process(new LoadProcess<SamlParentMessage, SamlChildMessage>('saml-load.ts', 'the SAML storm'));
  log(`load process: preparing ${fmtInt(responses)} logins (${fmtInt(cfg.warmupLogins)} for the warm-up)...`);
  load.tell({
    type: 'config', url: server.url, responses, warmup: cfg.warmupLogins, users: cfg.users, attributes: ATTRIBUTES, sign: cfg.sign,
    concurrency: cfg.concurrency, durationMs: cfg.seconds * 1000, healthzPerSecond: cfg.healthzPerSecond, requestTimeoutMs: REQUEST_TIMEOUT_MS,
  });
  const ready = await load.next('ready', 30_000 + responses * 20);
  if (ready.prepared < cfg.concurrency) throw new Error(`load process prepared only ${ready.prepared} logins`);

  const redisCpu0 = await redisCpuSeconds(res.redis);
  const window = startWindow(loopDelay);
  load.tell({ type: 'start' });
  await load.next('window-end', cfg.seconds * 1000 + 30_000);
  const used = window.end();
  const redisCores = ((await redisCpuSeconds(res.redis)) - redisCpu0) / (used.wallMs / 1000);
  const { result } = await load.next('done', REQUEST_TIMEOUT_MS + 5000);
  await load.exited();
  return {
    result,
    prepared: ready.prepared + cfg.warmupLogins,
    loop: used.loop,
    elu: used.elu,
    serverCores: used.cores,
    loadCores: (result.cpuUserUs + result.cpuSystemUs) / (result.drainedMs * 1000),
    redisCores,
  };
}
