import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { realpathSync, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

// `rune-directory serve` as a user starts it: a real child process, its own environment, its
// output read as a person would: `npm start` (the built CLI in dist/, see buildOnce), or the
// sources through tsx where the test needs the service's own pid (a signal to npm is not one
// to the service).

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Exit code (or the signal's name) once the process, and whatever shares its output, has ended. */
  exited: Promise<number | string>;
  /** Resolves with the first match of `pattern` in stdout, or rejects when the process ends first or time is up. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /**
   * Sends `signal` unless already gone, then waits for the end. SIGTERM goes to the process
   * started (npm, as a supervisor would send it); SIGKILL to its whole process group, so that a
   * test's clean-up never leaves a service behind npm.
   */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** The environment of this test run without any Redis setting, so the service's defaults apply. */
export function envWithoutRedis(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      value !== undefined &&
      !/^(REDIS_URL|REDIS_CLUSTER_NODES|REDIS_DEFAULT_URL|DATA_DIR|PORT|HOST|METRICS_PORT|SAML_.*)$/.test(key)
    )
      env[key] = value;
  }
  return { ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', LOG_FORMAT: 'json' };
}

let built: Promise<void> | undefined;

/** `npm run build`, once per test run: npm start runs dist/. */
export function buildOnce(): Promise<void> {
  built ??= new Promise<void>((resolve, reject) => {
    const build = spawn(process.execPath, [npmCli(), 'run', 'build', '--silent'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    build.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    build.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build failed (${code}): ${err}`))));
  });
  return built;
}

function npmCli(): string {
  if (process.env.npm_execpath && existsSync(process.env.npm_execpath)) return process.env.npm_execpath;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'npm'))) return realpathSync(join(dir, 'npm'));
  }
  return execFileSync('which', ['npm'], { encoding: 'utf8' }).trim();
}

/** `npm start` (serve from dist/), with node itself as the interpreter so PATH may omit it. */
export function npmStart(env: Record<string, string>): CliProcess {
  return watch(
    spawn(process.execPath, [npmCli(), 'start', '--silent'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    }),
  );
}

/** The CLI from the sources (tsx), as `node --import tsx src/cli/main.ts …`. */
export function runCli(args: string[], env: Record<string, string>): CliProcess {
  return watch(
    spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    }),
  );
}

function watch(child: ChildProcess): CliProcess {
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  // 'close', not 'exit': under npm start the service writes to these pipes until it has ended,
  // and npm may end first (it forwards a SIGTERM and goes).
  const exited = once(child, 'close').then(([code, signal]) => (code ?? signal) as number | string);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`no ${pattern} within ${timeoutMs} ms:\n${out}\n${err}`)),
          timeoutMs,
        );
        const poll = setInterval(() => {
          const match = pattern.exec(out);
          if (match) finish(undefined, match);
        }, 25);
        void exited.then((code) => finish(new Error(`exited with ${code} before ${pattern}:\n${out}\n${err}`)));
        function finish(error?: Error, match?: RegExpExecArray) {
          clearTimeout(timer);
          clearInterval(poll);
          if (match) resolve(match);
          else reject(error);
        }
      });
    },
    async stop(signal = 'SIGTERM') {
      try {
        if (signal === 'SIGKILL') process.kill(-child.pid!, 'SIGKILL');
        else if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      } catch {
        // the group is gone already
      }
      return exited;
    },
  };
}

/** The URL of a started server, from its "listening" log line. */
export const LISTENING = /"url":"(http:\/\/[^"]+)"[^\n]*rune-directory listening/;

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
