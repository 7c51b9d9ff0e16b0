import { fork, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BenchInterrupted, stopRequested } from './control.js';
import type { ChildMessage, Op, ParentMessage, ThroughputCommand, ThroughputResult } from './http-load.js';
import type { BenchProcess } from './resources.js';
import { startWindow, type LoopDelayMonitor, type ProcessUse } from './server-meter.js';

// The parent end of a bench child process (`node --import tsx`, forked with an IPC channel):
// the load generator (http-load.ts, through HttpLoad below) and the baseline server
// (baseline-server.ts). Messages are kept in order of arrival; `next` waits for one of a type,
// and fails when the child answers 'failed', exits, or a stop (Ctrl-C) is requested.

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export class LoadProcess<Parent extends object, Child extends { type: string }> implements BenchProcess {
  readonly label = 'load process';
  readonly child: ChildProcess;
  private readonly inbox: Child[] = [];
  private waiter: (() => void) | undefined;
  private gone: Error | undefined;

  /**
   * `script`: a file of bench/support, e.g. 'http-load.ts'. `during` says what an interruption
   * or an early exit interrupted, e.g. 'a load pass'.
   */
  constructor(
    script: string,
    private readonly during: string,
  ) {
    this.child = fork(fileURLToPath(new URL(`./${script}`, import.meta.url)), [], {
      cwd: PROJECT_ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: Child) => {
      this.inbox.push(m);
      this.waiter?.();
    });
    this.child.on('exit', (code, signal) => {
      this.gone ??= new Error(`load process exited (code ${code}, signal ${signal}) during ${this.during}`);
      this.waiter?.();
    });
    this.child.on('error', (error) => {
      this.gone ??= error;
      this.waiter?.();
    });
  }

  get pid() {
    return this.child.pid;
  }

  tell(message: Parent): void {
    this.child.send(message);
  }

  /** The next message of `type` (and, with `match`, matching it); a 'failed' answer that matches throws. */
  async next<T extends Child['type']>(
    type: T,
    timeoutMs: number,
    match: (m: Child) => boolean = () => true,
  ): Promise<Extract<Child, { type: T }>> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex((m) => (m.type === type || m.type === 'failed') && match(m));
      if (i >= 0) {
        const [m] = this.inbox.splice(i, 1);
        if (m!.type === 'failed') throw new Error(`load process failed: ${(m as unknown as { error: string }).error}`);
        return m as Extract<Child, { type: T }>;
      }
      if (stopRequested()) throw new BenchInterrupted(`stopped during ${this.during}`);
      if (this.gone) throw this.gone;
      if (performance.now() > deadline) throw new Error(`load process: no '${type}' within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** Resolves once the child has exited. */
  exited(): Promise<void> {
    return new Promise<void>((resolve) => (this.running() ? this.child.once('exit', () => resolve()) : resolve()));
  }

  kill(): void {
    if (this.running()) this.child.kill('SIGKILL');
  }

  /** At release: the load has no work worth finishing, so it is killed. */
  async stop(): Promise<void> {
    this.kill();
  }

  private running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
}

/** A throughput pass: the load process's result, and what this (the server's) process used in its window. */
export interface Pass {
  result: ThroughputResult;
  perSecond: number;
  server: ProcessUse;
}

/** The load generator (http-load.ts): one per bench run, driving every server of it, the baseline included. */
export class HttpLoad extends LoadProcess<ParentMessage, ChildMessage> {
  private nextId = 1;

  constructor() {
    super('http-load.ts', 'a load pass');
  }

  private answer<T extends ChildMessage['type']>(type: T, id: number, timeoutMs: number) {
    return this.next(type, timeoutMs, (m) => m.id === id);
  }

  async prepareSaml(m: Omit<Extract<ParentMessage, { type: 'prepare-saml' }>, 'type' | 'id'>): Promise<void> {
    const id = this.nextId++;
    this.tell({ type: 'prepare-saml', id, ...m });
    await this.answer('ok', id, 60_000 + m.count * 50);
  }

  /** One request in flight, `rounds` rounds of every op in random order; failures throw. */
  async latency(ops: Op[], rounds: number, warmupRounds: number): Promise<Record<string, number[]>> {
    const id = this.nextId++;
    this.tell({ type: 'latency', id, ops, rounds, warmupRounds });
    const r = await this.answer('latency-done', id, (rounds + warmupRounds) * ops.length * 60_000);
    if (r.failures > 0) throw new Error(`latency run: ${r.failures} failed: ${r.errors.join(' | ')}`);
    return r.samples;
  }

  /** A throughput pass, measuring this process (its event-loop delay too, given a monitor) inside the window. */
  async throughput(cmd: Omit<ThroughputCommand, 'type' | 'id'>, loopDelay?: LoopDelayMonitor): Promise<Pass> {
    const id = this.nextId++;
    this.tell({ type: 'throughput', id, ...cmd });
    await this.answer('window-start', id, cmd.warmupMs + 60_000);
    const window = startWindow(loopDelay);
    await this.answer('window-end', id, cmd.durationMs + 60_000);
    const server = window.end();
    const { result } = await this.answer('throughput-done', id, 70_000);
    return { result, perSecond: result.okInWindow / (result.windowMs / 1000), server };
  }
}
