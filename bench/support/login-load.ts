// The load generator of the login bench, run as a child process (`node --import tsx`) so that
// its own work (building requests, parsing answers) does not run on the server's event loop.
// Protocol over the IPC channel:
//   parent -> child  { type: 'config', ... }   warm up for warmupMs, then answer 'ready'
//   parent -> child  { type: 'start' }         run the storm for durationMs:
//   child  -> parent { type: 'window-end' }    the moment the storm window closes (no new requests after it)
//   child  -> parent { type: 'done', result }  once every request in flight has been answered
import { performance } from 'node:perf_hooks';

export interface LoadAccount {
  email: string;
  password: string;
}

export interface LoadConfig {
  type: 'config';
  url: string;
  accounts: LoadAccount[];
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  healthzPerSecond: number;
  requestTimeoutMs: number;
}

export interface LoadResult {
  windowMs: number;
  /** Wall time from the start until the last request in flight was answered. */
  drainedMs: number;
  /** Successful logins answered inside the window. */
  okInWindow: number;
  /** Latencies (ms) of every successful login of the storm, in order of completion. */
  loginMs: number[];
  /** HTTP status (or 'error') -> count, every login attempt of the storm. */
  statuses: Record<string, number>;
  errors: string[];
  healthzMs: number[];
  healthzFailures: number;
  warmup: { logins: number; failures: number };
  /** CPU time of this process during the storm (µs), for its share of the machine. */
  cpuUserUs: number;
  cpuSystemUs: number;
}

export type ParentMessage = LoadConfig | { type: 'start' };
export type ChildMessage = { type: 'ready' } | { type: 'window-end' } | { type: 'done'; result: LoadResult } | { type: 'failed'; error: string };

const send = (message: ChildMessage) =>
  new Promise<void>((resolve) => {
    if (!process.send) throw new Error('login-load must be started with an IPC channel (child_process.fork)');
    process.send(message, undefined, {}, () => resolve());
  });

interface Attempt {
  ok: boolean;
  status: string;
  ms: number;
  error?: string;
}

async function login(cfg: LoadConfig, account: LoadAccount): Promise<Attempt> {
  const started = performance.now();
  try {
    const res = await fetch(`${cfg.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
      signal: AbortSignal.timeout(cfg.requestTimeoutMs),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    let token: unknown;
    try {
      token = (JSON.parse(text) as { token?: unknown }).token;
    } catch {
      token = undefined;
    }
    const ok = res.status === 200 && typeof token === 'string';
    return { ok, status: String(res.status), ms, ...(ok ? {} : { error: `${res.status}: ${text.slice(0, 200)}` }) };
  } catch (error) {
    return { ok: false, status: 'error', ms: performance.now() - started, error: error instanceof Error ? error.message : String(error) };
  }
}

async function healthz(cfg: LoadConfig): Promise<number | null> {
  const started = performance.now();
  try {
    const res = await fetch(`${cfg.url}/healthz`, { signal: AbortSignal.timeout(cfg.requestTimeoutMs) });
    await res.arrayBuffer();
    return res.status === 200 ? performance.now() - started : null;
  } catch {
    return null;
  }
}

/** `concurrency` loops issuing logins (round robin over the accounts) until `untilMs`. */
async function storm(cfg: LoadConfig, untilMs: number, onAttempt: (a: Attempt, endMs: number) => void): Promise<void> {
  let next = 0;
  const loop = async () => {
    while (performance.now() < untilMs) {
      const account = cfg.accounts[next++ % cfg.accounts.length]!;
      const attempt = await login(cfg, account);
      onAttempt(attempt, performance.now());
    }
  };
  await Promise.all(Array.from({ length: cfg.concurrency }, loop));
}

/** GET /healthz every 1/rate s until `untilMs`, not counted against the login concurrency. */
async function sampleHealthz(cfg: LoadConfig, untilMs: number, samples: number[]): Promise<number> {
  let failures = 0;
  const pending: Promise<void>[] = [];
  const intervalMs = 1000 / cfg.healthzPerSecond;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (performance.now() >= untilMs) {
        clearInterval(timer);
        resolve();
        return;
      }
      pending.push(healthz(cfg).then((ms) => {
        if (ms === null) failures++;
        else samples.push(ms);
      }));
    }, intervalMs);
  });
  await Promise.all(pending);
  return failures;
}

let config: LoadConfig | undefined;

async function warmUp(cfg: LoadConfig): Promise<LoadResult['warmup']> {
  const warmup = { logins: 0, failures: 0 };
  const until = performance.now() + cfg.warmupMs;
  const healthzWarm: number[] = [];
  await Promise.all([
    storm(cfg, until, (a) => {
      warmup.logins++;
      if (!a.ok) warmup.failures++;
    }),
    sampleHealthz(cfg, until, healthzWarm),
  ]);
  return warmup;
}

async function runStorm(cfg: LoadConfig, warmup: LoadResult['warmup']): Promise<LoadResult> {
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const windowEnd = t0 + cfg.durationMs;
  const result: LoadResult = {
    windowMs: cfg.durationMs, drainedMs: 0, okInWindow: 0, loginMs: [], statuses: {}, errors: [],
    healthzMs: [], healthzFailures: 0, warmup, cpuUserUs: 0, cpuSystemUs: 0,
  };
  const windowTimer = setTimeout(() => void send({ type: 'window-end' }), cfg.durationMs);
  const [, healthzFailures] = await Promise.all([
    storm(cfg, windowEnd, (a, endMs) => {
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
  result.drainedMs = performance.now() - t0;
  result.healthzFailures = healthzFailures;
  const cpu = process.cpuUsage(cpuBefore);
  result.cpuUserUs = cpu.user;
  result.cpuSystemUs = cpu.system;
  return result;
}

let warmupDone: LoadResult['warmup'] | undefined;

process.on('message', (message: ParentMessage) => {
  const fail = (error: unknown) =>
    void send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }).then(() => process.exit(1));
  if (message.type === 'config') {
    config = message;
    warmUp(message).then(async (warmup) => {
      warmupDone = warmup;
      await send({ type: 'ready' });
    }, fail);
  } else if (message.type === 'start') {
    if (!config || !warmupDone) return fail(new Error('start before config / warm-up'));
    runStorm(config, warmupDone).then(async (result) => {
      await send({ type: 'done', result });
      process.exit(0);
    }, fail);
  }
});

// The parent went away (it was interrupted, or crashed): stop at once.
process.on('disconnect', () => process.exit(0));
