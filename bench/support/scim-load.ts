// The load generator of the SCIM bench, run as a child process (`node --import tsx`) so that its
// own work (building requests, reading answers) does not run on the server's event loop.
// HTTP/1.1 over node:http with a keep-alive agent: one connection per request in flight.
//
// Protocol over the IPC channel (every command carries an id; the answers echo it):
//   parent -> child  { type: 'target', target }         remember a server (url, SCIM token, userNames)   -> { type: 'ok' }
//   parent -> child  { type: 'throughput', op, ... }     `concurrency` loops issuing `op` for warmupMs, then for durationMs:
//   child  -> parent { type: 'window-start' }            the measured window opens (warm-up over, load continues)
//   child  -> parent { type: 'window-end' }              the window closes (no new requests after it)
//   child  -> parent { type: 'throughput-done', result } once every request in flight was answered
//   parent -> child  { type: 'latency', ops, rounds }    one request in flight; each round issues every op once, in random order
//   child  -> parent { type: 'latency-done', result }
// Every answer is checked (status, and a marker in the body); a failed check counts as a failure.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentChannel } from './ipc-child.js';

export interface LoadTarget {
  /** A name for the server, e.g. 'large'. */
  name: string;
  url: string;
  scimToken: string;
  /** Existing userNames; the filter op picks one at random per request. */
  userNames: string[];
}

export type LoadOp =
  | { kind: 'bare'; target: string }
  | { kind: 'filter'; target: string }
  | { kind: 'post'; target: string }
  | { kind: 'page'; target: string; startIndex: number; count: number };

export interface ThroughputCommand {
  type: 'throughput';
  id: number;
  op: LoadOp;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  requestTimeoutMs: number;
}

export interface LatencyCommand {
  type: 'latency';
  id: number;
  ops: { name: string; op: LoadOp }[];
  rounds: number;
  warmupRounds: number;
  requestTimeoutMs: number;
}

export type ParentMessage =
  | { type: 'target'; id: number; target: LoadTarget; runTag: string }
  | ThroughputCommand
  | LatencyCommand;

export interface ThroughputResult {
  windowMs: number;
  /** Successful answers completed inside the window. */
  okInWindow: number;
  /** Latencies (ms) of the successful requests started inside the window. */
  latencyMs: number[];
  /** HTTP status (or 'error' / 'bad-body') -> count, requests started inside the window. */
  statuses: Record<string, number>;
  failures: number;
  errors: string[];
  warmup: { requests: number; failures: number };
  /** CPU of this process inside the window (µs), to tell whether the client was the bound. */
  cpuUserUs: number;
  cpuSystemUs: number;
  /** From the start of the window until the last request in flight was answered. */
  drainedMs: number;
}

export interface LatencyResult {
  samples: Record<string, number[]>;
  failures: number;
  errors: string[];
}

export type ChildMessage =
  | { type: 'ok'; id: number }
  | { type: 'window-start'; id: number }
  | { type: 'window-end'; id: number }
  | { type: 'throughput-done'; id: number; result: ThroughputResult }
  | { type: 'latency-done'; id: number; result: LatencyResult }
  | { type: 'failed'; id: number; error: string };

const SCIM_JSON = 'application/scim+json';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

const { send, fail } = parentChannel<ChildMessage>('scim-load');

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const targets = new Map<string, LoadTarget & { host: string; port: number }>();
let runTag = 'run';
let postSeq = 0;

interface Answer {
  status: number;
  text: string;
}

function request(t: { host: string; port: number }, method: string, path: string, headers: http.OutgoingHttpHeaders,
  body: string | undefined, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: t.host, port: t.port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

interface Attempt {
  ok: boolean;
  status: string;
  ms: number;
  error?: string;
}

const random = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const oktaId = () => `00u${Array.from({ length: 17 }, () => random([...BASE62])).join('')}`;

/** A POST body as Okta sends it (its SCIM 2.0 documentation), for a user never seen before. */
function oktaCreate(): string {
  const n = ++postSeq;
  const userName = `post.user.${runTag}.${n}@okta-bench.example`;
  return JSON.stringify({
    schemas: [CORE_USER],
    userName,
    name: { givenName: 'Post', familyName: `User ${n}` },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: `Post User ${n}`,
    locale: 'en-US',
    externalId: oktaId(),
    groups: [],
    password: Math.random().toString(36).slice(2, 10),
    active: true,
  });
}

/** One request of an op, checked. */
async function attempt(op: LoadOp, timeoutMs: number): Promise<Attempt> {
  const t = targets.get(op.target);
  if (!t) throw new Error(`unknown target ${op.target}`);
  const auth = { authorization: `Bearer ${t.scimToken}` };
  let method = 'GET';
  let path: string;
  let body: string | undefined;
  let headers: http.OutgoingHttpHeaders = auth;
  let expectStatus = 200;
  let marker: string;
  switch (op.kind) {
    case 'bare':
      path = '/bare';
      headers = {};
      marker = '"ok":true';
      break;
    case 'filter': {
      const userName = random(t.userNames);
      path = `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;
      marker = '"totalResults":1,';
      break;
    }
    case 'post':
      method = 'POST';
      path = '/scim/v2/Users';
      body = oktaCreate();
      headers = { ...auth, 'content-type': SCIM_JSON, 'content-length': Buffer.byteLength(body) };
      expectStatus = 201;
      marker = '"id":"';
      break;
    case 'page':
      path = `/scim/v2/Users?startIndex=${op.startIndex}&count=${op.count}`;
      marker = `"itemsPerPage":${op.count},`;
      break;
  }
  const started = performance.now();
  try {
    const answer = await request(t, method, path, headers, body, timeoutMs);
    const ms = performance.now() - started;
    if (answer.status !== expectStatus) {
      return { ok: false, status: String(answer.status), ms, error: `${method} ${path}: ${answer.status} ${answer.text.slice(0, 200)}` };
    }
    if (!answer.text.includes(marker)) {
      return { ok: false, status: 'bad-body', ms, error: `${method} ${path}: no ${marker} in ${answer.text.slice(0, 200)}` };
    }
    return { ok: true, status: String(answer.status), ms };
  } catch (error) {
    return { ok: false, status: 'error', ms: performance.now() - started, error: error instanceof Error ? error.message : String(error) };
  }
}

async function throughput(cmd: ThroughputCommand): Promise<ThroughputResult> {
  const t0 = performance.now();
  const windowStart = t0 + cmd.warmupMs;
  const windowEnd = windowStart + cmd.durationMs;
  const result: ThroughputResult = {
    windowMs: cmd.durationMs, okInWindow: 0, latencyMs: [], statuses: {}, failures: 0, errors: [],
    warmup: { requests: 0, failures: 0 }, cpuUserUs: 0, cpuSystemUs: 0, drainedMs: 0,
  };
  // The window's edges are timers, never cleared: the loops may see the end before its timer fires.
  let cpu0 = process.cpuUsage();
  const started = new Promise<void>((resolve) => setTimeout(() => {
    cpu0 = process.cpuUsage();
    void send({ type: 'window-start', id: cmd.id });
    resolve();
  }, cmd.warmupMs));
  const ended = new Promise<void>((resolve) => setTimeout(() => {
    const cpu = process.cpuUsage(cpu0);
    result.cpuUserUs = cpu.user;
    result.cpuSystemUs = cpu.system;
    void send({ type: 'window-end', id: cmd.id });
    resolve();
  }, cmd.warmupMs + cmd.durationMs));

  const loop = async () => {
    for (;;) {
      const startedAt = performance.now();
      if (startedAt >= windowEnd) return;
      const a = await attempt(cmd.op, cmd.requestTimeoutMs);
      const done = performance.now();
      if (startedAt < windowStart) {
        result.warmup.requests++;
        if (!a.ok) result.warmup.failures++;
        if (a.ok && done >= windowStart && done <= windowEnd) result.okInWindow++;
        continue;
      }
      result.statuses[a.status] = (result.statuses[a.status] ?? 0) + 1;
      if (a.ok) {
        result.latencyMs.push(a.ms);
        if (done <= windowEnd) result.okInWindow++;
      } else {
        result.failures++;
        if (a.error && result.errors.length < 10) result.errors.push(a.error);
      }
    }
  };
  await Promise.all(Array.from({ length: cmd.concurrency }, loop));
  result.drainedMs = performance.now() - windowStart;
  await Promise.all([started, ended]);
  return result;
}

async function latency(cmd: LatencyCommand): Promise<LatencyResult> {
  const result: LatencyResult = { samples: Object.fromEntries(cmd.ops.map((o) => [o.name, [] as number[]])), failures: 0, errors: [] };
  const order = [...cmd.ops];
  for (let round = 0; round < cmd.warmupRounds + cmd.rounds; round++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const { name, op } of order) {
      const a = await attempt(op, cmd.requestTimeoutMs);
      if (!a.ok) {
        result.failures++;
        if (a.error && result.errors.length < 10) result.errors.push(a.error);
      } else if (round >= cmd.warmupRounds) {
        result.samples[name]!.push(a.ms);
      }
    }
  }
  return result;
}

process.on('message', (message: ParentMessage) => {
  const failed = (error: unknown) => fail(error, { id: message.id });
  if (message.type === 'target') {
    const url = new URL(message.target.url);
    targets.set(message.target.name, { ...message.target, host: url.hostname, port: Number(url.port) });
    runTag = message.runTag;
    void send({ type: 'ok', id: message.id });
  } else if (message.type === 'throughput') {
    throughput(message).then((result) => send({ type: 'throughput-done', id: message.id, result }), failed);
  } else if (message.type === 'latency') {
    latency(message).then((result) => send({ type: 'latency-done', id: message.id, result }), failed);
  }
});
