import { performance } from 'node:perf_hooks';

// The load side shared by the sign-in storms (login-load.ts, saml-load.ts): one timed login
// attempt, GET /healthz sampled meanwhile, and the measured window with what it records.

export interface Attempt {
  ok: boolean;
  status: string;
  ms: number;
  error?: string;
}

export interface WarmupCount {
  logins: number;
  failures: number;
}

/** What a storm reports; each load script adds its own fields. */
export interface StormResult {
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
  warmup: WarmupCount;
  /** CPU time of this process during the storm (µs), for its share of the machine. */
  cpuUserUs: number;
  cpuSystemUs: number;
}

export interface StormSettings {
  url: string;
  durationMs: number;
  healthzPerSecond: number;
  requestTimeoutMs: number;
}

/** One request, timed until its body was read; `ok` judges the answer. A network error or timeout counts as status 'error'. */
export async function attempt(url: string, init: RequestInit, ok: (res: Response, text: string) => boolean): Promise<Attempt> {
  const started = performance.now();
  try {
    const res = await fetch(url, init);
    const text = await res.text();
    const ms = performance.now() - started;
    const good = ok(res, text);
    return { ok: good, status: String(res.status), ms, ...(good ? {} : { error: `${res.status}: ${text.slice(0, 200)}` }) };
  } catch (error) {
    return { ok: false, status: 'error', ms: performance.now() - started, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Counts the warm-up's attempts into `warmup`. */
export const countWarmup = (warmup: WarmupCount) => (a: Attempt) => {
  warmup.logins++;
  if (!a.ok) warmup.failures++;
};

async function healthz(cfg: StormSettings): Promise<number | null> {
  const started = performance.now();
  try {
    const res = await fetch(`${cfg.url}/healthz`, { signal: AbortSignal.timeout(cfg.requestTimeoutMs) });
    await res.arrayBuffer();
    return res.status === 200 ? performance.now() - started : null;
  } catch {
    return null;
  }
}

/** GET /healthz every 1/rate s until `untilMs`, not counted against the login concurrency; answers the failures. */
export async function sampleHealthz(cfg: StormSettings, untilMs: number, samples: number[]): Promise<number> {
  let failures = 0;
  const pending: Promise<void>[] = [];
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
    }, 1000 / cfg.healthzPerSecond);
  });
  await Promise.all(pending);
  return failures;
}

/**
 * The measured storm: `storm` issues logins until the window ends (durationMs from now), GET
 * /healthz sampled meanwhile; `onWindowEnd` is called as the window closes (no new login after
 * it), and the result once every request in flight was answered.
 */
export async function measureStorm(
  cfg: StormSettings, warmup: WarmupCount, onWindowEnd: () => void,
  storm: (untilMs: number, onAttempt: (a: Attempt, endMs: number) => void) => Promise<void>,
): Promise<StormResult> {
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const windowEnd = t0 + cfg.durationMs;
  const result: StormResult = {
    windowMs: cfg.durationMs, drainedMs: 0, okInWindow: 0, loginMs: [], statuses: {}, errors: [],
    healthzMs: [], healthzFailures: 0, warmup, cpuUserUs: 0, cpuSystemUs: 0,
  };
  const windowTimer = setTimeout(onWindowEnd, cfg.durationMs);
  const [, healthzFailures] = await Promise.all([
    storm(windowEnd, (a, endMs) => {
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
