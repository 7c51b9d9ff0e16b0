import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../config/index.js';
import { createLogger } from '../../src/logger.js';
import { openRuntime, startServer, type Runtime } from '../../src/runtime.js';
import { runWorkers } from '../../workers/index.js';
import { connect, deletePrefix, testPrefix, REDIS_URL } from './redis.js';

export interface TestServer {
  url: string;
  /** Where /metrics is served when METRICS_PORT is set. */
  metricsUrl?: string;
  config: Config;
  runtime: Runtime;
  /** Every log line the server wrote, as text. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * A real listening server on a free port, with its own key prefix and captured logs, and the
 * job workers in the same process unless `workers: false`.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { workers?: boolean } = {},
): Promise<TestServer> {
  const prefix = testPrefix('http');
  const config = loadConfig({
    REDIS_URL,
    REDIS_PREFIX: prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const runtime = openRuntime(config, createLogger(config.logLevel, sink), { jobs: true });
  const workers = options.workers === false ? undefined : runWorkers(runtime);
  const running = await startServer(runtime);
  return {
    url: running.url,
    metricsUrl: running.metricsUrl,
    config,
    runtime,
    logs,
    async close() {
      await running.close();
      await workers?.close();
      await runtime.close();
      // Last, once nothing of the server can write under the prefix any more.
      const redis = connect();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    },
  };
}
