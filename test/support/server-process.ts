import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, deletePrefix, testPrefix, REDIS_URL } from './redis.js';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout so far (pino lines). */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited(): Promise<number | null>;
  /** SIGTERM unless already gone, then deletes the process's keys. */
  close(): Promise<void>;
}

/**
 * A real `rune-directory serve --no-workers` process on a free port and its own key prefix,
 * with extra `--import` preloads (test/support files) when given.
 */
export async function spawnServer(
  options: { preload?: string[]; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const prefix = testPrefix('proc');
  const imports = ['tsx', ...(options.preload ?? [])].flatMap((p) => ['--import', p]);
  const child = spawn(process.execPath, [...imports, 'src/cli/main.ts', 'serve', '--no-workers'], {
    env: {
      ...process.env,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let seen = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    seen += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    seen += chunk;
  });
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  const url = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const match = /"url":"(http:\/\/[^"]+)"[^\n]*rune-directory listening/.exec(seen);
      if (match) {
        clearInterval(poll);
        resolve(match[1]!);
      }
    }, 20);
    void exit.then((code) => {
      clearInterval(poll);
      reject(new Error(`server exited with ${code} before listening: ${seen}`));
    });
  });
  return {
    child,
    url,
    output: () => seen,
    exited: () => exit,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exit;
      }
      const redis = connect();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    },
  };
}
