import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** A real `rune-directory worker` process, as an operator would run it. */
export function spawnWorker(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker'], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  return child;
}

/** Resolves once the worker logs that it started. */
export async function workerReady(child: ChildProcess): Promise<void> {
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: string) => {
      seen += chunk;
      if (seen.includes('workers started')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before starting: ${seen}`)));
  });
}

export async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const [code] = await once(child, 'exit');
  return code as number | null;
}
