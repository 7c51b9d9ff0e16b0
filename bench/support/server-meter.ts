import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { nowMs } from './stats.js';

// What this process (the server, when a bench runs it in-process) spends over a measured
// window: its CPU (all threads), its event-loop utilization and, with a LoopDelayMonitor, its
// event-loop delay.

/** The delay histogram's resolution: every raw sample includes up to this much timer interval. */
export const EVENT_LOOP_RESOLUTION_MS = 10;

export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  count: number;
}

/** monitorEventLoopDelay at EVENT_LOOP_RESOLUTION_MS, enabled at once; reset at each measured phase. */
export class LoopDelayMonitor {
  private readonly histogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });

  constructor() {
    this.histogram.enable();
  }

  reset(): void {
    this.histogram.reset();
  }

  /** The delay since the last reset, in ms (raw: timer interval included). */
  read(): LoopDelay {
    const h = this.histogram;
    return {
      p50Ms: h.percentile(50) / 1e6,
      p99Ms: h.percentile(99) / 1e6,
      maxMs: h.max / 1e6,
      meanMs: h.mean / 1e6,
      count: h.count,
    };
  }

  disable(): void {
    this.histogram.disable();
  }
}

export interface ProcessUse {
  wallMs: number;
  /** Event-loop utilization (0–1). */
  elu: number;
  /** CPU time of the process (all threads) over the wall time, in cores. */
  cores: number;
  /** The event-loop delay over the window, when a monitor was given. */
  loop?: LoopDelay;
}

/** Starts a window (resetting the monitor, if any); `end()` answers what this process used in it. */
export function startWindow(loopDelay?: LoopDelayMonitor): { end(): ProcessUse } {
  loopDelay?.reset();
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const t0 = nowMs();
  return {
    end() {
      const wallMs = nowMs() - t0;
      const loop = loopDelay?.read();
      const elu = performance.eventLoopUtilization(elu0).utilization;
      const cpu = process.cpuUsage(cpu0);
      return { wallMs, elu, cores: (cpu.user + cpu.system) / 1000 / wallMs, ...(loop ? { loop } : {}) };
    },
  };
}
