import { createServer, type Server } from 'node:http';
import type { Config } from '../config/index.js';
import { Directory } from './directory/index.js';
import { createRedis, closeRedis, type RedisClient } from './redis/connection.js';
import { defineScripts } from './directory/scripts.js';
import { requireReplicaAcks } from './directory/replica-acks.js';
import { createApp } from './http/app.js';
import type { AppDeps } from './http/app-deps.js';
import { createMetrics, startMetricsServer, type Metrics } from './http/metrics.js';
import type { Logger } from './logger.js';
import { PasswordHasher } from './auth/password-hasher.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { JobRunner } from './jobs/job-runner.js';
import { ScimTokenCache } from './scim/token-cache.js';
import { SamlValidationPool } from './saml/validation-pool.js';
import { samlConfigured } from './saml/saml-settings.js';
import { IdpMetadataRefresher } from './saml/idp-metadata-refresher.js';

// Wiring of the long-running processes: connections, the directory, the HTTP server.
// The job workers are workers/index.ts's (runWorkers): src/ never imports workers/, and the
// CLI's serve and worker commands, the entry point, compose the two.

export interface Runtime {
  config: Config;
  logger: Logger;
  redis: RedisClient;
  directory: Directory;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  /** Present where the runtime was opened with `jobs: true` (the HTTP server). */
  jobs?: JobRunner;
  /** Verified SCIM tokens of the HTTP server; present with `jobs: true`. */
  scimTokens?: ScimTokenCache;
  /** Worker threads validating SAML responses; present with `jobs: true` when SAML is configured. */
  samlPool?: SamlValidationPool;
  /** The IdP's metadata, fetched and refreshed; present with `jobs: true` when SAML_IDP_METADATA_URL is set. */
  samlIdp?: IdpMetadataRefresher;
  close(): Promise<void>;
}

export function openRuntime(config: Config, logger: Logger, options: { jobs?: boolean } = {}): Runtime {
  const redis = createRedis(config, { logger });
  // Security writes wait for replicas (REDIS_MIN_REPLICAS_ACKED; 1 with Sentinel), on a connection of their own.
  const { minReplicasAcked, waitTimeoutMs } = config.redis;
  const durableWrites = minReplicasAcked > 0 ? createRedis(config, { logger, name: 'durable-writes' }) : undefined;
  if (durableWrites) {
    defineScripts(durableWrites);
    requireReplicaAcks(redis, { client: durableWrites, replicas: minReplicasAcked, timeoutMs: waitTimeoutMs });
  }
  const directory = new Directory(redis, {
    prefix: config.redis.prefix,
    session: config.session,
    auditMaxEvents: config.audit.maxEvents,
  });
  const hasher = new PasswordHasher(config.password.argon2);
  const throttle = new LoginThrottle(redis, {
    prefix: config.redis.prefix,
    maxFailures: config.login.maxFailures,
    windowSeconds: config.login.lockoutSeconds,
  });
  const jobs = options.jobs ? new JobRunner(config, logger) : undefined;
  // Each validation carries the settings of its moment (they change with the IdP's metadata).
  const samlPool =
    options.jobs && samlConfigured(config) ? new SamlValidationPool(undefined, config.saml.poolSize) : undefined;
  const metadata = config.saml.idpMetadata;
  const samlIdp = options.jobs && metadata ? new IdpMetadataRefresher({ ...metadata, logger }) : undefined;
  const scimTokens = options.jobs
    ? new ScimTokenCache(directory, createRedis(config, { logger, name: 'scim-token-revocations' }), logger)
    : undefined;
  return {
    config,
    logger,
    redis,
    directory,
    hasher,
    throttle,
    jobs,
    scimTokens,
    samlPool,
    samlIdp,
    async close() {
      await samlIdp?.close();
      await samlPool?.close();
      await scimTokens?.close();
      await jobs?.close();
      if (durableWrites) await closeRedis(durableWrites);
      await closeRedis(redis);
    },
  };
}

/** What the HTTP app needs from a runtime opened with `jobs: true`. */
export function serverDeps(runtime: Runtime): AppDeps {
  if (!runtime.jobs || !runtime.scimTokens) throw new Error('the HTTP server needs a runtime opened with jobs: true');
  const { samlIdp } = runtime;
  const details = samlIdp && (() => ({ saml: { metadata: samlIdp.status() } }));
  return {
    ...runtime,
    jobs: runtime.jobs,
    scimTokens: runtime.scimTokens,
    samlPool: runtime.samlPool,
    health: { shuttingDown: false, details },
  };
}

export interface RunningServer {
  server: Server;
  url: string;
  /** Where /metrics is served when METRICS_PORT is set (else on `url`). */
  metricsUrl?: string;
  close(): Promise<void>;
}

/** Starts the HTTP server; close() stops accepting, finishes in-flight requests, then closes Redis. */
export async function startServer(
  runtime: Runtime,
  options: { port?: number; host?: string } = {},
): Promise<RunningServer> {
  const deps = serverDeps(runtime);
  const { health } = deps;
  const metrics = createMetrics(runtime.directory, { logger: runtime.logger, token: runtime.config.metrics.token });
  const app = createApp(deps, metrics);
  const port = options.port ?? runtime.config.port;
  const host = options.host ?? runtime.config.host;
  // SAML is served with the IdP's metadata when it can be had; if not, /readyz says why.
  await runtime.samlIdp?.firstAttempt;
  const metricsServer = await startMetricsListener(runtime, metrics, host);
  // Not app.listen: express 5 hands a listen error to its callback, so a taken port "listened".
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createServer(app);
    s.once('error', (error) => reject(listenFailure(error, host, port, 'PORT')));
    s.listen(port, host, () => resolve(s));
  }).catch(async (error: unknown) => {
    await new Promise((resolve) => (metricsServer ? metricsServer.close(resolve) : resolve(undefined)));
    throw error;
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${boundPort}`;
  runtime.logger.info({ url, publicUrl: runtime.config.publicUrl }, 'rune-directory listening');
  return {
    server,
    url,
    metricsUrl: metricsServer && urlOf(metricsServer, host),
    async close() {
      health.shuttingDown = true;
      await new Promise<void>((resolve) => {
        if (!metricsServer) return resolve();
        metricsServer.close(() => resolve());
        metricsServer.closeIdleConnections();
      });
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

const urlOf = (server: Server, host: string) => {
  const address = server.address();
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${typeof address === 'object' && address ? address.port : 0}`;
};

/** METRICS_PORT: /metrics on a listener of its own, bound to HOST; none without it. */
async function startMetricsListener(runtime: Runtime, metrics: Metrics, host: string): Promise<Server | undefined> {
  const port = runtime.config.metrics.port;
  if (port === undefined) return undefined;
  const server = await startMetricsServer(metrics, port, host).catch((error: unknown) => {
    throw listenFailure(error, host, port, 'METRICS_PORT');
  });
  runtime.logger.info({ url: `${urlOf(server, host)}/metrics` }, 'metrics listening');
  return server;
}

/** A start-up failure a person can act on: one line, no stack; the CLI exits non-zero with it. */
export class StartupError extends Error {
  override name = 'StartupError';
}

const LISTEN_REASONS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use',
  EADDRNOTAVAIL: "the address is not one of this machine's (HOST)",
  EACCES: 'permission denied (ports below 1024 need privileges)',
  ENOTFOUND: 'the host name does not resolve (HOST)',
  EAI_AGAIN: 'the host name does not resolve (HOST)',
};

function listenFailure(error: unknown, host: string, port: number, variable: 'PORT' | 'METRICS_PORT'): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (!code) return error as Error;
  const what = variable === 'PORT' ? 'HTTP' : '/metrics';
  return new StartupError(
    `cannot listen for ${what} on ${host}:${port} (HOST, ${variable}): ${LISTEN_REASONS[code] ?? code} [${code}]`,
  );
}
