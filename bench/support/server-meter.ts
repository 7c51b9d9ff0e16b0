import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

// What this process (the server, when a bench runs it in-process) spends over a measured window:
// its CPU (all threads), its event-loop utilization and, with a LoopDelayMonitor, its loop delay.

/** monitorEventLoopDelay at 10 ms resolution (every raw sample includes up to that much timer interval). */
export class LoopDelayMonitor {
  private readonly histogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.histogram.enable();
  }

  reset = () => this.histogram.reset();
  disable = () => this.histogram.disable();

  /** The delay since the last reset, in ms. */
  read() {
    const h = this.histogram;
    return { p50Ms: h.percentile(50) / 1e6, p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6, count: h.count };
  }
}

export interface ProcessUse {
  wallMs: number;
  /** Event-loop utilization (0–1). */
  elu: number;
  /** CPU time of the process (all threads) over the wall time, in cores. */
  cores: number;
  loop?: ReturnType<LoopDelayMonitor['read']>;
}

/** Starts a window (resetting the monitor, if any); `end()` answers what this process used in it. */
export function startWindow(loopDelay?: LoopDelayMonitor): { end(): ProcessUse } {
  loopDelay?.reset();
  const [elu0, cpu0, t0] = [performance.eventLoopUtilization(), process.cpuUsage(), performance.now()];
  return {
    end() {
      const wallMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const elu = performance.eventLoopUtilization(elu0).utilization;
      return { wallMs, elu, cores: (cpu.user + cpu.system) / 1000 / wallMs, loop: loopDelay?.read() };
    },
  };
}
