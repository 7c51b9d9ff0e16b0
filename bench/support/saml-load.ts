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
import { parentChannel, type FailedMessage } from './ipc-child.js';
import { attempt, countWarmup, measureStorm, type Attempt, type StormResult, type WarmupCount } from './storm-load.js';

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

/** A storm's result (successful logins: 302 with a session cookie), and how the preparation went. */
export interface SamlLoadResult extends StormResult {
  /** True when the prepared logins ran out before the window closed. */
  exhausted: boolean;
  prepareMs: number;
}

export type SamlParentMessage = SamlLoadConfig | { type: 'start' };
export type SamlChildMessage =
  | { type: 'ready'; prepared: number; responseBytes: number }
  | { type: 'window-end' }
  | { type: 'done'; result: SamlLoadResult }
  | FailedMessage;

interface PreparedLogin {
  cookie: string;
  body: string;
}

const { send, fail } = parentChannel<SamlChildMessage>('saml-load');

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

function post(cfg: SamlLoadConfig, login: PreparedLogin): Promise<Attempt> {
  const init: RequestInit = {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: login.cookie },
    body: login.body,
    signal: AbortSignal.timeout(cfg.requestTimeoutMs),
  };
  return attempt(`${cfg.url}/saml/acs`, init,
    (res) => res.status === 302 && res.headers.getSetCookie().some((c) => c.startsWith('rune_session=')));
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

let config: SamlLoadConfig | undefined;
let prepared: PreparedLogin[] = [];
const warmup: WarmupCount = { logins: 0, failures: 0 };
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
  await storm(cfg, warm, Infinity, countWarmup(warmup));
}

async function runStorm(cfg: SamlLoadConfig): Promise<SamlLoadResult> {
  const result = await measureStorm(cfg, warmup, () => void send({ type: 'window-end' }),
    (until, onAttempt) => storm(cfg, prepared, until, onAttempt));
  // Ran out: none left while the window was still open.
  return { ...result, exhausted: prepared.length === 0 && result.drainedMs < cfg.durationMs, prepareMs };
}

process.on('message', (message: SamlParentMessage) => {
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
