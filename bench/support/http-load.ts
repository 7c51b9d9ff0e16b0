// The one load generator of the benches, run as its own process (forked by load-process.ts) so
// that building requests and reading answers never runs on the event loop being measured.
// node:http with a keep-alive agent: one connection per request in flight. Every answer is
// checked (status, and a marker in the body or a cookie set); a failed check is a failure.
//
// Commands (each carries an id; every answer echoes it; any error answers 'failed'):
//   prepare-saml  sign SP-initiated SAML logins ahead, as browser and IdP would   -> ok
//   throughput    `concurrency` loops issuing one op: a warm-up, then the window  -> window-start, window-end, throughput-done
//   latency       one request in flight; each round issues every op once, in random order -> latency-done
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { shuffle } from './stats.js';

export interface Op {
  name: string;
  /** The server's origin, e.g. http://127.0.0.1:4000. */
  url: string;
  method?: 'GET' | 'POST' | 'PATCH';
  /** One path, or several: one picked at random per request. */
  path: string | string[];
  headers?: Record<string, string>;
  /** A body ('{n}' becomes a number unique to this process), or several, taken in turn. */
  body?: string | string[];
  /** Send the logins of prepare-saml instead, each once; the op is exhausted when none is left. */
  prepared?: boolean;
  status: number;
  bodyHas?: string;
  setsCookie?: string;
}

export interface ThroughputCommand {
  type: 'throughput';
  id: number;
  op: Op;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

export interface ThroughputResult {
  windowMs: number;
  /** Successful answers completed inside the window. */
  okInWindow: number;
  latencyMs: number[];
  failures: number;
  warmupFailures: number;
  errors: string[];
  /** The prepared logins ran out before the window closed. */
  exhausted: boolean;
  /** CPU of this process in the window, in cores: to tell whether the client was the bound. */
  cores: number;
}

export type ParentMessage =
  | {
      type: 'prepare-saml';
      id: number;
      url: string;
      count: number;
      users: number;
      attributes: Record<string, string | string[]>;
      sign: string;
    }
  | ThroughputCommand
  | { type: 'latency'; id: number; ops: Op[]; rounds: number; warmupRounds: number };

export type ChildMessage =
  | { type: 'ok'; id: number }
  | { type: 'window-start'; id: number }
  | { type: 'window-end'; id: number }
  | { type: 'throughput-done'; id: number; result: ThroughputResult }
  | { type: 'latency-done'; id: number; samples: Record<string, number[]>; failures: number; errors: string[] }
  | { type: 'failed'; id: number; error: string };

const REQUEST_TIMEOUT_MS = 60_000;
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
const prepared: { path: string; headers: Record<string, string>; body: string }[] = [];
let seq = 0;
let turn = 0;

interface Attempt {
  ok: boolean;
  ms: number;
  error?: string;
}

// The body stays bytes: the marker is looked for in them (a 70 KB page is not decoded per answer,
// which would make the load process the bound), and only a failure's first bytes become text.
function request(url: URL, method: string, headers: http.OutgoingHttpHeaders, body?: string) {
  return new Promise<{ status: number; bytes: Buffer; cookies: string[]; location?: string }>((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
          cookies: res.headers['set-cookie'] ?? [],
          location: res.headers.location,
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** One request of an op, timed until its body was read, and checked; undefined when a prepared op ran out. */
async function attempt(op: Op): Promise<Attempt | undefined> {
  let path = op.path;
  let headers = op.headers ?? {};
  let body = Array.isArray(op.body) ? op.body[turn++ % op.body.length] : op.body?.replaceAll('{n}', String(++seq));
  if (op.prepared) {
    const next = prepared.shift();
    if (!next) return undefined;
    ({ path, body } = next);
    headers = { ...headers, ...next.headers };
  }
  if (Array.isArray(path)) path = path[Math.floor(Math.random() * path.length)]!;
  if (body !== undefined)
    headers = { 'content-type': 'application/json', ...headers, 'content-length': String(Buffer.byteLength(body)) };
  const method = op.method ?? 'GET';
  const started = performance.now();
  try {
    const a = await request(new URL(path, op.url), method, headers, body);
    const ms = performance.now() - started;
    const ok =
      a.status === op.status &&
      (!op.bodyHas || a.bytes.includes(op.bodyHas)) &&
      (!op.setsCookie || a.cookies.some((c) => c.startsWith(`${op.setsCookie}=`)));
    const start = () => a.bytes.subarray(0, 200).toString('utf8');
    return { ok, ms, ...(ok ? {} : { error: `${op.name}: ${method} ${path}: ${a.status} ${start()}` }) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, ms: performance.now() - started, error: `${op.name}: ${message}` };
  }
}

async function throughput(cmd: ThroughputCommand, send: (m: ChildMessage) => void): Promise<ThroughputResult> {
  const windowStart = performance.now() + cmd.warmupMs;
  const windowEnd = windowStart + cmd.durationMs;
  const r: ThroughputResult = {
    windowMs: cmd.durationMs,
    okInWindow: 0,
    latencyMs: [],
    failures: 0,
    warmupFailures: 0,
    errors: [],
    exhausted: false,
    cores: 0,
  };
  // The window's edges are timers: the parent measures the server between them.
  let cpu0 = process.cpuUsage();
  const edges = Promise.all([
    new Promise<void>((resolve) =>
      setTimeout(() => {
        cpu0 = process.cpuUsage();
        send({ type: 'window-start', id: cmd.id });
        resolve();
      }, cmd.warmupMs),
    ),
    new Promise<void>((resolve) =>
      setTimeout(() => {
        const cpu = process.cpuUsage(cpu0);
        r.cores = (cpu.user + cpu.system) / 1000 / cmd.durationMs;
        send({ type: 'window-end', id: cmd.id });
        resolve();
      }, cmd.warmupMs + cmd.durationMs),
    ),
  ]);
  const loop = async () => {
    for (let at = performance.now(); at < windowEnd; at = performance.now()) {
      const a = await attempt(cmd.op);
      if (!a) {
        r.exhausted = performance.now() < windowEnd;
        return;
      }
      const done = performance.now();
      if (at < windowStart) {
        if (!a.ok) r.warmupFailures++;
        if (a.ok && done >= windowStart && done <= windowEnd) r.okInWindow++;
        continue;
      }
      if (a.ok) {
        r.latencyMs.push(a.ms);
        if (done <= windowEnd) r.okInWindow++;
      } else {
        r.failures++;
        if (a.error && r.errors.length < 10) r.errors.push(a.error);
      }
    }
  };
  await Promise.all(Array.from({ length: cmd.concurrency }, loop));
  await edges;
  return r;
}

async function latency(cmd: Extract<ParentMessage, { type: 'latency' }>) {
  const samples = Object.fromEntries(cmd.ops.map((o) => [o.name, [] as number[]]));
  const errors: string[] = [];
  let failures = 0;
  for (let round = 0; round < cmd.warmupRounds + cmd.rounds; round++) {
    for (const op of shuffle([...cmd.ops])) {
      const a = (await attempt(op))!;
      if (!a.ok) {
        failures++;
        if (a.error && errors.length < 10) errors.push(a.error);
      } else if (round >= cmd.warmupRounds) samples[op.name]!.push(a.ms);
    }
  }
  return { samples, failures, errors };
}

/**
 * Prepares SAML logins as a browser and the IdP would, before the storm (signing costs as much as
 * validating, so it stays off the CPUs being measured): GET /saml/login in a fresh browser (its
 * login cookie, a fresh AuthnRequest id), then the test IdP's signed answer with a fresh assertion id.
 */
async function prepareSaml(cmd: Extract<ParentMessage, { type: 'prepare-saml' }>): Promise<void> {
  const { idpResponse } = await import('../../test/saml/support/test-idp.js');
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < cmd.count) {
        const i = next++;
        const login = await request(new URL('/saml/login?RelayState=%2Fhome', cmd.url), 'GET', {});
        const cookie = login.cookies.find((c) => c.startsWith('rune_saml_login='))?.split(';')[0];
        const deflated = login.location && new URL(login.location).searchParams.get('SAMLRequest');
        if (login.status !== 302 || !cookie || !deflated) throw new Error(`GET /saml/login answered ${login.status}`);
        const inResponseTo = /\sID="([^"]+)"/.exec(
          inflateRawSync(Buffer.from(deflated, 'base64')).toString('utf8'),
        )?.[1];
        const { base64 } = await idpResponse({
          inResponseTo,
          nameId: `person${i % cmd.users}@bench.test`,
          attributes: cmd.attributes,
          sign: cmd.sign as 'assertion',
        });
        prepared.push({
          path: '/saml/acs',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ SAMLResponse: base64, RelayState: '/home' }).toString(),
        });
      }
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // The parent went away (interrupted, or crashed): stop at once.
  process.on('disconnect', () => process.exit(0));
  const send = (m: ChildMessage) => void process.send!(m);
  process.on('message', (m: ParentMessage) => {
    const failed = (error: unknown) =>
      send({
        type: 'failed',
        id: m.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    if (m.type === 'prepare-saml') prepareSaml(m).then(() => send({ type: 'ok', id: m.id }), failed);
    else if (m.type === 'throughput')
      throughput(m, send).then((result) => send({ type: 'throughput-done', id: m.id, result }), failed);
    else latency(m).then((r) => send({ type: 'latency-done', id: m.id, ...r }), failed);
  });
}
