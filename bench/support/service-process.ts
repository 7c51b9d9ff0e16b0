import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/own-redis.js';
import { BENCH_REDIS_URL } from './redis.js';
import type { BenchProcess, Resources } from './resources.js';

// The real service as `npm start` runs it — `node dist/src/cli/main.js serve`, the compiled
// build, in a process of its own — on a bench prefix. In the bench's process (and under tsx) it
// would share that process's work and run tsx's transformed code instead of the build's: the
// ratio against the baseline, a bare route in its own process, is only fair like this.

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = 'dist/src/cli/main.js';
const READY_TIMEOUT_MS = 30_000;
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux
// As `npm start` and the image run it (package.json, Dockerfile): glibc hands each argon2 buffer
// (19 MiB) back to the system when the hash is done, instead of keeping one per libuv thread.
const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' };

/** The resident memory of a process, in bytes (VmRSS, from /proc); undefined off Linux. */
export function processRssBytes(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/status`)) return undefined;
  const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kib === undefined ? undefined : Number(kib) * 1024;
}

/** CPU time (user + system, all threads) a process has used, in ms, from /proc; undefined off Linux. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  // Fields after the command name (which may hold spaces, hence after the last ')'): utime is the 12th, stime the 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').pop()!.trim().split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

class ServiceProcess implements BenchProcess {
  readonly label = 'the service process';
  constructor(readonly child: ChildProcess) {}

  private running = () => this.child.exitCode === null && this.child.signalCode === null;

  kill(): void {
    if (this.running()) this.child.kill('SIGKILL');
  }

  /** SIGTERM, as a deployment stops it; SIGKILL if it has not exited within 10 s. */
  async stop(): Promise<void> {
    if (!this.running()) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.kill(), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

export interface ServiceProcessHandle {
  url: string;
  pid: number | undefined;
  cpuMs: () => number | undefined;
  rssBytes: () => number | undefined;
}

/**
 * Starts the built service on `prefix`, with `env` on top: `serve --no-workers` (the job producer
 * without workers, as a scaled-out server runs), or `serve` with its workers given `workers`.
 * Answers once /readyz answers (Redis connected). Stopped with the run's other processes at release.
 */
export async function startServiceProcess(
  res: Resources,
  prefix: string,
  env: Record<string, string> = {},
  options: { workers?: boolean } = {},
): Promise<ServiceProcessHandle> {
  if (!existsSync(new URL(`../../${ENTRY}`, import.meta.url)))
    throw new Error(`${ENTRY} is missing: run npm run build (npm run bench builds first)`);
  const port = await freePort();
  const child = spawn(process.execPath, [ENTRY, 'serve', ...(options.workers ? [] : ['--no-workers'])], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...MALLOC_ENV,
      ...env,
      REDIS_URL: BENCH_REDIS_URL,
      REDIS_PREFIX: prefix,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  res.process(new ServiceProcess(child));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the service process exited at start-up (code ${child.exitCode}, signal ${child.signalCode})`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline)
      throw new Error(`the service process was not ready (/readyz) within ${READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, pid: child.pid, cpuMs: () => processCpuMs(child.pid), rssBytes: () => processRssBytes(child.pid) };
}

/** Starts measuring a service process's CPU; `end()` answers the cores it used since (undefined off Linux). */
export function startCpuWindow(service: { cpuMs: () => number | undefined }): { end(): number | undefined } {
  const cpu0 = service.cpuMs();
  const t0 = performance.now();
  return {
    end() {
      const cpu1 = service.cpuMs();
      return cpu0 === undefined || cpu1 === undefined ? undefined : (cpu1 - cpu0) / (performance.now() - t0);
    },
  };
}

/** `service 0.97 cores, ` for a pass's log line, or nothing when it could not be measured. */
export const coresNote = (cores: number | undefined) =>
  cores === undefined ? '' : `service ${cores.toFixed(2)} cores, `;
