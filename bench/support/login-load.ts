// The load generator of the login bench, run as a child process (`node --import tsx`) so that
// its own work (building requests, parsing answers) does not run on the server's event loop.
// Protocol over the IPC channel:
//   parent -> child  { type: 'config', ... }   warm up for warmupMs, then answer 'ready'
//   parent -> child  { type: 'start' }         run the storm for durationMs:
//   child  -> parent { type: 'window-end' }    the moment the storm window closes (no new requests after it)
//   child  -> parent { type: 'done', result }  once every request in flight has been answered
import { performance } from 'node:perf_hooks';
import { parentChannel, type FailedMessage } from './ipc-child.js';
import {
  attempt, countWarmup, measureStorm, sampleHealthz, type Attempt, type StormResult, type WarmupCount,
} from './storm-load.js';

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

export type LoadResult = StormResult;

export type ParentMessage = LoadConfig | { type: 'start' };
export type ChildMessage = { type: 'ready' } | { type: 'window-end' } | { type: 'done'; result: LoadResult } | FailedMessage;

const { send, fail } = parentChannel<ChildMessage>('login-load');

function login(cfg: LoadConfig, account: LoadAccount): Promise<Attempt> {
  const init: RequestInit = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
    signal: AbortSignal.timeout(cfg.requestTimeoutMs),
  };
  return attempt(`${cfg.url}/auth/login`, init, (res, text) => {
    let token: unknown;
    try {
      token = (JSON.parse(text) as { token?: unknown }).token;
    } catch {
      token = undefined;
    }
    return res.status === 200 && typeof token === 'string';
  });
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

let config: LoadConfig | undefined;

async function warmUp(cfg: LoadConfig): Promise<WarmupCount> {
  const warmup = { logins: 0, failures: 0 };
  const until = performance.now() + cfg.warmupMs;
  const healthzWarm: number[] = [];
  await Promise.all([storm(cfg, until, countWarmup(warmup)), sampleHealthz(cfg, until, healthzWarm)]);
  return warmup;
}

const runStorm = (cfg: LoadConfig, warmup: WarmupCount): Promise<LoadResult> =>
  measureStorm(cfg, warmup, () => void send({ type: 'window-end' }), (until, onAttempt) => storm(cfg, until, onAttempt));

let warmupDone: WarmupCount | undefined;

process.on('message', (message: ParentMessage) => {
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
