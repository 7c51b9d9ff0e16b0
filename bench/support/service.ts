import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../src/logger.js';
import { openRuntime, startServer } from '../../src/runtime.js';
import { BENCH_REDIS_URL } from './redis.js';
import type { Resources } from './resources.js';

/** The configuration of the service on a bench prefix, from `env` as the service reads it. */
export const benchConfig = (prefix: string, env: Record<string, string> = {}) =>
  loadConfig({
    ...env,
    REDIS_URL: BENCH_REDIS_URL,
    REDIS_PREFIX: prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  });

/** Variables of the process environment whose name matches, to pass on to the service. */
export const envMatching = (pattern: RegExp): Record<string, string> =>
  Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => pattern.test(e[0]) && !!e[1]));

/**
 * The real service in this process (openRuntime + startServer on port 0, with the job producer and
 * no workers) on a fresh prefix of the run, closed at release or by `close()`.
 */
export async function startService(res: Resources, label: string, env: Record<string, string> = {}) {
  const scope = await res.prefix(label);
  const config = benchConfig(scope.prefix, env);
  const runtime = openRuntime(config, createLogger('silent'), { jobs: true });
  const closeRuntime = res.onRelease('the runtime', () => runtime.close());
  const server = await startServer(runtime);
  const closeServer = res.onRelease('the server', () => server.close());
  const close = async () => {
    await closeServer();
    await closeRuntime();
  };
  return { scope, config, runtime, server, close };
}
