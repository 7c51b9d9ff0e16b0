// The load generator of the SAML bench, run as a child process (`node --import tsx`) so that
// neither signing responses nor building requests runs on the server's event loop.
// Protocol over the IPC channel:
//   parent -> child  { type: 'config', ... }   prepare `responses` logins, post `warmup` of them,
//                                             then answer { type: 'ready', prepared }
//   parent -> child  { type: 'start' }         post the rest for durationMs:
//   child  -> parent { type: 'window-end' }    the moment the storm window closes (no new requests after it)
//   child  -> parent { type: 'done', result }  once every request in flight has been answered
//
// Preparing a login is what a browser and the IdP do before the ACS sees anything: GET
// /saml/login in a fresh browser (its login cookie, a fresh AuthnRequest id), then the IdP's
// signed response to that request with a fresh assertion id. All of it happens before the
// storm, so the storm measures the ACS alone.
import { performance } from 'node:perf_hooks';
import { inflateRawSync } from 'node:zlib';
import { idpResponse, type ResponseOptions, type Signed } from '../../test/saml/support/test-idp.js';

export interface SamlLoadConfig {
  type: 'config';
  url: string;
  /** Logins to prepare in all (warm-up included); each is posted once. */
  responses: number;
  warmup: number;
  /** NameIDs cycle through this many people: the first login of each creates them. */
  users: number;
  attributes: Record<string, string | string[]>;
  /** What the IdP signs, as for the bench's baseline sample. */
  sign: Signed;
  concurrency: number;
  durationMs: number;
  healthzPerSecond: number;
  requestTimeoutMs: number;
}

export interface SamlLoadResult {
  windowMs: number;
  drainedMs: number;
  /** Successful logins (302 with a session cookie) answered inside the window. */
  okInWindow: number;
  loginMs: number[];
  statuses: Record<string, number>;
  errors: string[];
  healthzMs: number[];
  healthzFailures: number;
  /** True when the prepared logins ran out before the window closed. */
  exhausted: boolean;
  prepareMs: number;
  warmup: { logins: number; failures: number };
  cpuUserUs: number;
  cpuSystemUs: number;
}

export type SamlParentMessage = SamlLoadConfig | { type: 'start' };
export type SamlChildMessage =
  | { type: 'ready'; prepared: number; responseBytes: number }
  | { type: 'window-end' }
  | { type: 'done'; result: SamlLoadResult }
  | { type: 'failed'; error: string };

interface PreparedLogin {
  cookie: string;
  body: string;
}

interface Attempt {
  ok: boolean;
  status: string;
  ms: number;
  error?: string;
}

const send = (message: SamlChildMessage) =>
  new Promise<void>((resolve) => {
    if (!process.send) throw new Error('saml-load must be started with an IPC channel (child_process.fork)');
    process.send(message, undefined, {}, () => resolve());
  });

async function prepareOne(cfg: SamlLoadConfig, i: number): Promise<PreparedLogin> {
  const login = await fetch(`${cfg.url}/saml/login?RelayState=%2Fhome`, { redirect: 'manual' });
  await login.arrayBuffer();
  const idpUrl = new URL(login.headers.get('location') ?? '');
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('rune_saml_login='))?.split(';')[0];
  const deflated = idpUrl.searchParams.get('SAMLRequest');
  if (login.status !== 302 || !cookie || !deflated) throw new Error(`GET /saml/login answered ${login.status}`);
  const requestId = /\sID="([^"]+)"/.exec(inflateRawSync(Buffer.from(deflated, 'base64')).toString('utf8'))?.[1];
  const options: ResponseOptions = {
    inResponseTo: requestId, nameId: `person${i % cfg.users}@bench.test`, attributes: cfg.attributes, sign: cfg.sign,
  };
  const { base64 } = await idpResponse(options);
  return { cookie, body: new URLSearchParams({ SAMLResponse: base64, RelayState: '/home' }).toString() };
}

async function post(cfg: SamlLoadConfig, login: PreparedLogin): Promise<Attempt> {
  const started = performance.now();
  try {
    const res = await fetch(`${cfg.url}/saml/acs`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: login.cookie },
      body: login.body,
      signal: AbortSignal.timeout(cfg.requestTimeoutMs),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    const ok = res.status === 302 && res.headers.getSetCookie().some((c) => c.startsWith('rune_session='));
    return { ok, status: String(res.status), ms, ...(ok ? {} : { error: `${res.status}: ${text.slice(0, 200)}` }) };
  } catch (error) {
    return { ok: false, status: 'error', ms: performance.now() - started, error: error instanceof Error ? error.message : String(error) };
  }
}

/** `concurrency` loops posting the next prepared login until `untilMs` or until none is left. */
async function storm(cfg: SamlLoadConfig, queue: PreparedLogin[], untilMs: number, onAttempt: (a: Attempt, endMs: number) => void) {
  const loop = async () => {
    while (performance.now() < untilMs) {
      const login = queue.shift();
      if (!login) return;
      onAttempt(await post(cfg, login), performance.now());
    }
  };
  await Promise.all(Array.from({ length: cfg.concurrency }, loop));
}

async function sampleHealthz(cfg: SamlLoadConfig, untilMs: number, samples: number[]): Promise<number> {
  let failures = 0;
  const pending: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (performance.now() >= untilMs) {
        clearInterval(timer);
        resolve();
        return;
      }
      const started = performance.now();
      pending.push(fetch(`${cfg.url}/healthz`, { signal: AbortSignal.timeout(cfg.requestTimeoutMs) }).then(
        async (res) => {
          await res.arrayBuffer();
          if (res.status === 200) samples.push(performance.now() - started);
          else failures++;
        },
        () => void failures++,
      ));
    }, 1000 / cfg.healthzPerSecond);
  });
  await Promise.all(pending);
  return failures;
}

let config: SamlLoadConfig | undefined;
let prepared: PreparedLogin[] = [];
let warmup: SamlLoadResult['warmup'] = { logins: 0, failures: 0 };
let prepareMs = 0;

async function prepare(cfg: SamlLoadConfig): Promise<void> {
  const started = performance.now();
  prepared = new Array(cfg.responses);
  // A few GETs in flight keep the server busy while this process signs.
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < cfg.responses) {
      const i = next++;
      prepared[i] = await prepareOne(cfg, i);
    }
  }));
  prepareMs = performance.now() - started;
  // The warm-up logins create the users, start the pool's threads and warm the JIT.
  const warm = prepared.splice(0, cfg.warmup);
  await storm(cfg, warm, Infinity, (a) => {
    warmup.logins++;
    if (!a.ok) warmup.failures++;
  });
}

async function runStorm(cfg: SamlLoadConfig): Promise<SamlLoadResult> {
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const windowEnd = t0 + cfg.durationMs;
  const result: SamlLoadResult = {
    windowMs: cfg.durationMs, drainedMs: 0, okInWindow: 0, loginMs: [], statuses: {}, errors: [], healthzMs: [],
    healthzFailures: 0, exhausted: false, prepareMs, warmup, cpuUserUs: 0, cpuSystemUs: 0,
  };
  const windowTimer = setTimeout(() => void send({ type: 'window-end' }), cfg.durationMs);
  const [, healthzFailures] = await Promise.all([
    storm(cfg, prepared, windowEnd, (a, endMs) => {
      result.statuses[a.status] = (result.statuses[a.status] ?? 0) + 1;
      if (a.ok) {
        result.loginMs.push(a.ms);
        if (endMs <= windowEnd) result.okInWindow++;
      } else if (a.error && result.errors.length < 10) {
        result.errors.push(a.error);
      }
    }),
    sampleHealthz(cfg, windowEnd, result.healthzMs),
  ]);
  clearTimeout(windowTimer);
  result.exhausted = prepared.length === 0 && performance.now() < windowEnd;
  result.drainedMs = performance.now() - t0;
  result.healthzFailures = healthzFailures;
  const cpu = process.cpuUsage(cpuBefore);
  result.cpuUserUs = cpu.user;
  result.cpuSystemUs = cpu.system;
  return result;
}

process.on('message', (message: SamlParentMessage) => {
  const fail = (error: unknown) =>
    void send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }).then(() => process.exit(1));
  if (message.type === 'config') {
    config = message;
    prepare(message).then(async () => {
      const bytes = prepared[0] ? Buffer.byteLength(prepared[0].body) : 0;
      await send({ type: 'ready', prepared: prepared.length, responseBytes: bytes });
    }, fail);
  } else if (message.type === 'start') {
    if (!config) return fail(new Error('start before config'));
    runStorm(config).then(async (result) => {
      await send({ type: 'done', result });
      process.exit(0);
    }, fail);
  }
});

// The parent went away (it was interrupted, or crashed): stop at once.
process.on('disconnect', () => process.exit(0));
