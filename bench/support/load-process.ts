import { fork, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BenchInterrupted, stopRequested } from './control.js';
import type { BenchProcess } from './resources.js';

// The parent end of a load generator run as a child process (`node --import tsx`, forked with
// an IPC channel) so that its work does not run on the server's event loop: the load scripts
// of bench/support (login-load.ts, saml-load.ts, scim-load.ts; their end is ipc-child.ts).
// Messages are kept in order of arrival; `next` waits for one of a type, and fails when the
// child answers 'failed', exits, or a stop (Ctrl-C) is requested.

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export class LoadProcess<Parent extends object, Child extends { type: string }> implements BenchProcess {
  readonly label = 'load process';
  readonly child: ChildProcess;
  private readonly inbox: Child[] = [];
  private waiter: (() => void) | undefined;
  private gone: Error | undefined;

  /**
   * `script`: a file of bench/support, e.g. 'login-load.ts'. `during` says what an interruption
   * or an early exit interrupted, e.g. 'the login storm'.
   */
  constructor(script: string, private readonly during: string) {
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
  async next<T extends Child['type']>(type: T, timeoutMs: number, match: (m: Child) => boolean = () => true): Promise<Extract<Child, { type: T }>> {
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
