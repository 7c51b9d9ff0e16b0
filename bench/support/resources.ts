import type { Redis } from 'ioredis';
import { isolatedPrefix, type PrefixScope } from './redis.js';
import { fmtInt } from './report.js';

// Everything a bench run opens, released in its `finally` whatever happened, in one order:
// child processes first, then what was registered to be closed (servers, runtimes, queues,
// connections: last added first), then the keys under the run's prefixes, and last the bench's
// own Redis connection. Nothing may write under a prefix once its cleanup runs.

/** A child process of the run: stopped first at release, killed outright if this process exits before. */
export interface BenchProcess {
  readonly label: string;
  stop(): Promise<void>;
  /** SIGKILL, synchronously (from an 'exit' handler). */
  kill(): void;
}

type Closer = { what: string; close: () => Promise<unknown> };

export class Resources {
  /** The run's prefixes, their keys deleted at release. */
  readonly scopes: PrefixScope[] = [];
  private readonly processes: BenchProcess[] = [];
  private readonly closers: Closer[] = [];
  private readonly killProcesses = () => {
    for (const p of this.processes) p.kill();
  };

  constructor(readonly redis: Redis) {}

  /** A fresh prefix of this run (isolatedPrefix), its keys deleted at release. */
  async prefix(label: string, options: { length?: number } = {}): Promise<PrefixScope> {
    const scope = await isolatedPrefix(this.redis, label, options);
    this.scopes.push(scope);
    return scope;
  }

  /** A child process, stopped at release (all at once, before anything is closed). */
  process<P extends BenchProcess>(child: P): P {
    if (this.processes.length === 0) process.on('exit', this.killProcesses);
    this.processes.push(child);
    return child;
  }

  /**
   * Something to close at release (`what` names it in an error message: "the server").
   * Answers a function that closes it now instead (errors then reach the caller).
   */
  onRelease(what: string, close: () => Promise<unknown>): () => Promise<void> {
    const closer: Closer = { what, close };
    this.closers.push(closer);
    return async () => {
      const i = this.closers.indexOf(closer);
      if (i < 0) return;
      this.closers.splice(i, 1);
      await close();
    };
  }

  /** Releases everything (see above); a failure is reported and the rest still runs. */
  async release(): Promise<void> {
    await Promise.all(
      this.processes.map((p) =>
        p.stop().catch((error: unknown) => console.error(`stopping ${p.label} failed:`, error)),
      ),
    );
    for (const { what, close } of this.closers.splice(0).reverse()) {
      await close().catch((error: unknown) => console.error(`closing ${what} failed:`, error));
    }
    let deleted = 0;
    for (const scope of this.scopes) {
      try {
        deleted += await scope.cleanup();
      } catch (error) {
        console.error(`cleanup of ${scope.pattern} failed:`, error);
      }
    }
    console.log(
      `cleanup: deleted ${fmtInt(deleted)} keys under ${this.scopes.map((s) => s.pattern).join(', ') || '(none)'}`,
    );
    process.off('exit', this.killProcesses);
  }
}

/** Runs a bench with its own Redis connection and Resources; releases them and disconnects whatever happened. */
export async function withResources<T>(redis: Redis, body: (res: Resources) => Promise<T>): Promise<T> {
  const res = new Resources(redis);
  try {
    return await body(res);
  } finally {
    await res.release();
    redis.disconnect();
  }
}
