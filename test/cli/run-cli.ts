import { execFile } from 'node:child_process';

// Runs `rune-directory` as an operator would: a child process, from the sources, with the env given.

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** How long the process ran, in milliseconds. */
  elapsedMs: number;
}

export function runCli(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { env: { ...process.env, LOG_LEVEL: 'info', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr, elapsedMs: Date.now() - started });
      },
    );
    child.stdin?.end(input ?? '');
  });
}

/** stderr's lines, without the empty one after the last newline. */
export const lines = (text: string) => text.split('\n').filter((line) => line !== '');
