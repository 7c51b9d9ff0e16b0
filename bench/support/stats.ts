import { performance } from 'node:perf_hooks';
import { checkStop } from './control.js';
import type { LoopDelayMonitor } from './server-meter.js';

export const nowMs = () => performance.now();

export interface Summary {
  n: number;
  medianMs: number;
  p99Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
}

/** The p-th percentile (0–100) of ascending samples, linearly interpolated between ranks. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    medianMs: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: sum / sorted.length,
    minMs: sorted[0] ?? Number.NaN,
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/**
 * Runs task(0..total-1) with at most `concurrency` in flight (a sliding window, not
 * lock-step batches). The first failure, or a requested stop, ends the issuing of new tasks;
 * it resolves only once every task already started has settled.
 */
export async function runBounded(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < total && !failure) {
      try {
        checkStop();
        const i = next++;
        await task(i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  if (failure) throw failure.error;
}

/** Fisher–Yates, in place. */
export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * `concurrency` loops calling `task(0, 1, …)` for `ms`: the calls completed inside the window per
 * second, their latencies and, given a monitor (reset at the start), the event-loop delay meanwhile.
 */
export async function timedLoop(
  concurrency: number,
  ms: number,
  task: (i: number) => Promise<void>,
  loopDelay?: LoopDelayMonitor,
) {
  const latencies: number[] = [];
  let next = 0;
  loopDelay?.reset();
  const end = nowMs() + ms;
  const loop = async () => {
    while (nowMs() < end) {
      checkStop();
      const t = nowMs();
      await task(next++);
      if (nowMs() <= end) latencies.push(nowMs() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { perSecond: latencies.length / (ms / 1000), latency: summarize(latencies), loop: loopDelay?.read() };
}
