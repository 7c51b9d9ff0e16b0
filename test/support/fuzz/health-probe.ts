import { Worker } from 'node:worker_threads';

// /healthz asked continuously from a worker thread while the cases run. The fuzz server runs in
// this process, so a request that blocks its event loop blocks this thread's timers and fetches
// too: only another thread, with an event loop of its own, sees /healthz wait meanwhile.

const PROBE = `
const { workerData } = require('node:worker_threads');
const shared = new Float64Array(workerData.shared);
// [0] slowest answer since reset (ms), [1] start of the probe in flight (0: none), [2] non-200s since reset,
// [3] 1 to stop, [4] probes done, [5] when the window started
(async () => {
  for (;;) {
    if (shared[3] === 1) return;
    const started = Date.now();
    shared[1] = started;
    let ok = false;
    try {
      const response = await fetch(workerData.url, { signal: AbortSignal.timeout(15000) });
      await response.arrayBuffer();
      ok = response.status === 200;
    } catch {}
    // Only the wait inside the window counts: what came before reset is the caller's own work.
    const ms = Date.now() - Math.max(started, shared[5]);
    shared[1] = 0;
    if (ms > shared[0]) shared[0] = ms;
    if (!ok) shared[2]++;
    shared[4]++;
    await new Promise((resolve) => setTimeout(resolve, workerData.everyMs));
  }
})();
`;

export interface HealthProbe {
  /** Resolves once the thread has had its first answer (its own start-up is not the server's delay). */
  ready(): Promise<void>;
  /** Starts a new window. */
  reset(): void;
  /** The window so far: the slowest /healthz (a probe still waiting counts as its wait), and how many were not 200. */
  read(): { ms: number; failures: number };
  stop(): Promise<void>;
}

export function startHealthProbe(baseUrl: string, everyMs = 10): HealthProbe {
  const shared = new SharedArrayBuffer(6 * Float64Array.BYTES_PER_ELEMENT);
  const view = new Float64Array(shared);
  const worker = new Worker(PROBE, { eval: true, workerData: { url: `${baseUrl}/healthz`, shared, everyMs } });
  worker.unref();
  return {
    async ready() {
      const until = Date.now() + 10_000;
      while (view[4]! < 2) {
        if (Date.now() > until) throw new Error('health probe: no /healthz answer within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    reset() {
      view[5] = Date.now();
      view[0] = 0;
      view[2] = 0;
    },
    read() {
      const inFlight = view[1]! > 0 ? Date.now() - Math.max(view[1]!, view[5]!) : 0;
      return { ms: Math.max(view[0]!, inFlight), failures: view[2]! };
    },
    async stop() {
      view[3] = 1;
      await worker.terminate();
    },
  };
}
