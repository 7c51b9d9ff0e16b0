import os from 'node:os';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { samlSettings, validationSettings } from '../src/saml/saml-settings.js';
import { SamlValidationPool } from '../src/saml/validation-pool.js';
import { idpResponse, samlEnv, type Signed } from '../test/saml/support/test-idp.js';
import type { BenchOutcome } from './run.js';
import { envInt } from './support/control.js';
import { HttpLoad } from './support/load-process.js';
import { connect, infoField } from './support/redis.js';
import { environmentLine, fmtInt, fmtMs, ratioTarget, table } from './support/report.js';
import { withResources, type Resources } from './support/resources.js';
import { LoopDelayMonitor } from './support/server-meter.js';
import { envMatching, startService } from './support/service.js';
import { nowMs, summarize, timedLoop } from './support/stats.js';

// SAML sign-in under load. Validating a signed response is CPU work (XPath, canonicalisation,
// RSA) that the service does in a worker-thread pool; this shows that the pool turns the cores
// into ACS logins and keeps the event loop free.
//
//  1. Baseline: node-saml's validatePostResponseAsync on this thread, one at a time, of one
//     signed response of the storm's shape, before the storm and after it (their mean).
//  2. Storm: the real server in this process (its own prefix), SAML configured, validation in the
//     pool (SAML_POOL_SIZE, default one thread per CPU). The load process (support/http-load.ts)
//     first prepares every login SP-initiated, as browser and IdP would (GET /saml/login, then a
//     response signed for that request), so the storm goes through the whole ACS (InResponseTo
//     spent, assertion id, user lookup, session, audit) with the signing off the measured CPUs;
//     then posts them, each once, at fixed concurrency.
//  3. The pool alone, no HTTP or Redis, at the storm's concurrency: how well the threads scale,
//     and the event-loop delay of a main thread that only dispatches (the storm's baseline).
//
//   BENCH_SAML_USERS             distinct people signing in (default 50)
//   BENCH_SAML_CONCURRENCY       ACS posts in flight (default 16)
//   BENCH_SAML_SECONDS           storm duration (default 8)
//   BENCH_SAML_WARMUP_SECONDS    logins posted before the storm, not measured (default 3: users, threads, JIT)
//   BENCH_SAML_BASELINE_SECONDS  each single-thread validation pass (default 3)
//   BENCH_SAML_SIGN              what the IdP signs: assertion (default), response, or both
//   SAML_POOL_SIZE               validation threads, as for the service (default: CPUs)

const THROUGHPUT_SHARE = 0.8;
const LOOP_DELAY_RATIO = 5;
/** Prepared logins: enough for every core at the single-thread rate, warm-up included, plus margin. */
const PREPARE_MARGIN = 2;

// What Okta or Entra typically send: the profile and a dozen groups (about 6 KB of XML).
const ATTRIBUTES = {
  email: 'person@bench.test',
  firstName: 'Bench',
  lastName: 'Person',
  displayName: 'Bench Person',
  groups:
    'Everyone Engineering eng-platform eng-oncall vpn-users github-org jira-users confluence-users slack-users rune-users office-paris all-hands'.split(
      ' ',
    ),
};

function readConfig() {
  const sign = process.env.BENCH_SAML_SIGN || 'assertion';
  if (!['assertion', 'response', 'both'].includes(sign))
    throw new Error(`BENCH_SAML_SIGN must be assertion, response or both (got "${sign}")`);
  return {
    users: envInt('BENCH_SAML_USERS', 50),
    concurrency: envInt('BENCH_SAML_CONCURRENCY', 16),
    seconds: envInt('BENCH_SAML_SECONDS', 8),
    warmupSeconds: envInt('BENCH_SAML_WARMUP_SECONDS', 3),
    baselineSeconds: envInt('BENCH_SAML_BASELINE_SECONDS', 3),
    sign: sign as Signed,
  };
}
type BenchConfig = ReturnType<typeof readConfig>;

const log = (message = '') => console.log(message);

export async function run(): Promise<BenchOutcome> {
  const cfg = readConfig();
  return withResources(connect(), (res) => bench(cfg, res));
}

async function bench(cfg: BenchConfig, res: Resources): Promise<BenchOutcome> {
  const cores = os.availableParallelism();
  const loopDelay = new LoopDelayMonitor();
  // The tests' environment pins two threads; the bench sizes the pool as the service does.
  const env = { ...samlEnv(), SAML_POOL_SIZE: String(cores), ...envMatching(/^SAML_POOL_SIZE$/) };
  const { config, server } = await startService(res, 'saml', env);
  const settings = samlSettings(config)!;
  log(
    `saml: pool of ${settings.poolSize} validation threads; ${cfg.concurrency} posts in flight, ${cfg.seconds} s storm; ${cfg.sign} signed`,
  );
  log(environmentLine((await infoField(res.redis, 'server', 'redis_version')) ?? '?'));

  // 1. Baseline: one signed response, validated again and again on this thread.
  const sample = await idpResponse({
    inResponseTo: '_bench',
    nameId: 'person@bench.test',
    attributes: ATTRIBUTES,
    sign: cfg.sign,
  });
  const nodeSaml = new SAML({
    idpCert: [...settings.idpCerts],
    issuer: settings.spEntityId,
    audience: settings.spEntityId,
    callbackUrl: settings.acsUrl,
    wantAuthnResponseSigned: cfg.sign !== 'assertion',
    wantAssertionsSigned: cfg.sign !== 'response',
    acceptedClockSkewMs: settings.clockSkewMs,
    validateInResponseTo: ValidateInResponseTo.never,
  });
  const validate = async () => {
    if (!(await nodeSaml.validatePostResponseAsync({ SAMLResponse: sample.base64 })).profile)
      throw new Error('node-saml refused the sample');
  };
  const singleThreadRate = async () => {
    for (let i = 0; i < 50; i++) await validate();
    return timedLoop(1, cfg.baselineSeconds * 1000, validate);
  };
  const before = await singleThreadRate();

  // 2. Storm (the server started above, its pool's threads not yet busy).
  const load = res.process(new HttpLoad());
  const count =
    Math.ceil(cores * before.perSecond * (cfg.warmupSeconds + cfg.seconds) * PREPARE_MARGIN) + cfg.concurrency;
  log(`load process: preparing ${fmtInt(count)} logins...`);
  const t = nowMs();
  await load.prepareSaml({ url: server.url, count, users: cfg.users, attributes: ATTRIBUTES, sign: cfg.sign });
  log(`prepared in ${((nowMs() - t) / 1000).toFixed(1)} s`);
  const acs = {
    name: 'acs',
    url: server.url,
    method: 'POST',
    path: '/saml/acs',
    prepared: true,
    status: 302,
    setsCookie: 'rune_session',
  } as const;
  // The warm-up creates the users, starts the pool's threads and warms the JIT.
  const storm = await load.throughput(
    {
      op: acs,
      concurrency: cfg.concurrency,
      warmupMs: cfg.warmupSeconds * 1000,
      durationMs: cfg.seconds * 1000,
    },
    loopDelay,
  );
  const after = await singleThreadRate();

  // 3. The pool alone.
  const pool = new SamlValidationPool(validationSettings(settings), settings.poolSize);
  const viaPool = async () => {
    const outcome = await pool.validate(sample.base64);
    if (!outcome.ok) throw new Error(`the pool refused the sample: ${outcome.detail}`);
  };
  let alone;
  try {
    await timedLoop(cfg.concurrency, 1500, viaPool); // the threads warm up
    alone = await timedLoop(cfg.concurrency, cfg.baselineSeconds * 1000, viaPool, loopDelay);
  } finally {
    await pool.close();
  }
  loopDelay.disable();

  const r = storm.result;
  const nodeSamlRate = (before.perSecond + after.perSecond) / 2;
  const login = summarize(r.latencyMs);
  const loop = storm.server.loop!;
  // The targets show the rates and delays they compare; this, what explains them.
  log(
    table(
      ['measure', '>value'],
      [
        [
          'node-saml, 1 thread, /s (before / after the storm)',
          `${before.perSecond.toFixed(1)} / ${after.perSecond.toFixed(1)}`,
        ],
        [
          'POST /saml/acs median / p99 ms',
          `${fmtMs(login.medianMs)} / ${fmtMs(login.p99Ms)}${r.exhausted ? ' (ran out of logins!)' : ''}`,
        ],
        ['pool alone, no HTTP or Redis, /s', `${alone.perSecond.toFixed(1)} (${settings.poolSize} threads)`],
        [
          'server CPU cores / ELU during the storm',
          `${storm.server.cores.toFixed(2)} / ${(storm.server.elu * 100).toFixed(0)} %`,
        ],
      ],
    ),
  );
  if (r.errors.length > 0) log(`errors: ${r.errors.slice(0, 3).join(' | ')}`);
  const targets = [
    ratioTarget(
      `ACS logins/s / (${cores} cores × node-saml single-thread rate)`,
      storm.perSecond,
      cores * nodeSamlRate,
      { atLeast: THROUGHPUT_SHARE },
      'per s',
      r.failures + r.warmupFailures + (r.exhausted ? 1 : 0),
    ),
    ratioTarget(
      'server event-loop delay p99, storm / pool alone',
      loop.p99Ms,
      alone.loop!.p99Ms,
      { atMost: LOOP_DELAY_RATIO },
      'ms',
    ),
  ];
  return {
    targets,
    figures: {
      config: cfg,
      poolSize: settings.poolSize,
      before,
      after,
      alone,
      acsPerSecond: storm.perSecond,
      login,
      loop,
    },
  };
}
