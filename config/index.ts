import { readFileSync, existsSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';

// Every setting of the service, bound to one environment variable, checked once at start.

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const seconds = z.coerce.number().int().positive();

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  // /metrics: a bearer token it requires, and/or a separate port it is served on (off the main one).
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  // Which proxies may set X-Forwarded-For: Express's syntax (a hop count, or comma-separated
  // addresses/subnets, or loopback/linklocal/uniquelocal). Sign-in throttling counts by client address.
  TRUST_PROXY: z
    .string()
    .regex(/^(\d{1,2}|true|false|[\w.:/,\s-]+)$/, 'a hop count, true/false, or addresses/subnets')
    .default('false'),
  PUBLIC_URL: z.url().optional(),
  // Origins besides PUBLIC_URL's whose pages may send cookie-borne state changes (CSRF): comma-separated.
  ALLOWED_ORIGINS: z.string().optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  // Where `serve` looks for a local Redis when REDIS_URL is unset, before starting its own
  // (tests point it at a port nothing listens on; the machine's real 6379 may be taken).
  REDIS_DEFAULT_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .default('redis://127.0.0.1:6379'),
  // The embedded Redis keeps its data under DATA_DIR/redis (relative to the working directory).
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,32}$/, 'letters, digits, "_", "." and "-" only, at most 32')
    .default('rune'),
  REDIS_CLUSTER_NODES: z.string().optional(),
  // Redis Sentinel: the sentinels' host:port list and the name of the master they watch.
  REDIS_SENTINELS: z.string().optional(),
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, "_", "." and "-" only, at most 64')
    .optional(),
  // Security writes wait for this many replicas (WAIT) before they are acknowledged: 1 with
  // REDIS_SENTINELS, else 0 (a single Redis without replicas works as it always did).
  REDIS_MIN_REPLICAS_ACKED: z.coerce.number().int().min(0).max(16).optional(),
  REDIS_WAIT_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // pretty: human lines; json: one JSON object a line; auto: pretty on a terminal, else JSON.
  LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
  SESSION_IDLE_TTL: seconds.default(8 * 3600),
  SESSION_MAX_TTL: seconds.default(7 * 24 * 3600),
  PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(64).default(12),
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(8192).max(1_048_576).default(19_456),
  ARGON2_TIME_COST: z.coerce.number().int().min(1).max(20).default(2),
  ARGON2_PARALLELISM: z.coerce.number().int().min(1).max(16).default(1),
  TEMP_PASSWORD_TTL: seconds.default(7 * 24 * 3600),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_LOCKOUT_SECONDS: seconds.default(900),
  // Password checks (argon2) in hand at once (one per core but one computes, the rest wait their
  // turn); more sign-ins and password changes get 503 login_busy at once.
  LOGIN_MAX_CONCURRENT: z.coerce.number().int().min(1).max(1024).optional(),
  JOB_WAIT_MS: z.coerce.number().int().min(0).max(120_000).default(5000),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(10),
  JOB_LOCK_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  JOB_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  JOB_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  WORKER_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  AUDIT_MAX_EVENTS: z.coerce.number().int().min(100).default(100_000),
  SCIM_ADMIN_ROLES: z.string().optional(),
  SCIM_ADMIN_GROUPS: z.string().optional(),
  SAML_IDP_CERT: z.string().optional(),
  SAML_IDP_SSO_URL: z.url().optional(),
  SAML_IDP_ENTITY_ID: z.string().min(1).optional(),
  // The IdP's metadata (Okta, Entra publish one): supplies what SAML_IDP_* leave unset, refreshed.
  SAML_IDP_METADATA_URL: z.url().optional(),
  SAML_IDP_METADATA_REFRESH_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(3600),
  SAML_IDP_METADATA_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  SAML_ALLOW_IDP_INITIATED: bool.default(false),
  SAML_ROLE_ATTRIBUTE: z.string().min(1).optional(),
  SAML_ADMIN_VALUES: z.string().optional(),
  SAML_LINK_PASSWORD_USERS: bool.default(false),
  SAML_SP_PRIVATE_KEY: z.string().optional(),
  SAML_SP_CERT: z.string().optional(),
  SAML_POOL_SIZE: z.coerce.number().int().min(1).max(64).optional(),
});

/**
 * The checked settings, frozen. Its type is what buildConfig returns, so each setting is written
 * twice only (its variable in EnvSchema, its place here), never a third time in an interface.
 */
export type Config = ReturnType<typeof buildConfig>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

// Each entry must be exactly an origin (scheme, host, port): a path or a typo would trust something else.
function parseAllowedOrigins(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      let origin: string | undefined;
      try {
        const url = new URL(entry);
        origin = /^https?:$/.test(url.protocol) ? url.origin : undefined;
      } catch {
        origin = undefined;
      }
      if (origin !== entry.replace(/\/$/, ''))
        throw new ConfigError(`ALLOWED_ORIGINS: "${entry}" is not an origin like https://admin.example.com`);
      return origin;
    });
}

function parseClusterNodes(
  value: string | undefined,
  variable = 'REDIS_CLUSTER_NODES',
): readonly { host: string; port: number }[] {
  if (!value) return [];
  return value.split(',').map((entry) => {
    const match = /^([^:\s]+):(\d{1,5})$/.exec(entry.trim());
    if (!match || Number(match[2]) > 65535) throw new ConfigError(`${variable}: "${entry}" is not host:port`);
    return { host: match[1]!, port: Number(match[2]) };
  });
}

// Sentinel mode: the sentinels, the master's name, and how many replicas a security write waits for.
function redisTopology(e: z.infer<typeof EnvSchema>) {
  const sentinels = parseClusterNodes(e.REDIS_SENTINELS, 'REDIS_SENTINELS');
  if (sentinels.length > 0 && e.REDIS_CLUSTER_NODES)
    throw new ConfigError('REDIS_SENTINELS: cannot be used with REDIS_CLUSTER_NODES; set one of them');
  if (sentinels.length > 0 && !e.REDIS_SENTINEL_NAME)
    throw new ConfigError('REDIS_SENTINEL_NAME: required with REDIS_SENTINELS (the master name the sentinels monitor)');
  if (sentinels.length === 0 && e.REDIS_SENTINEL_NAME)
    throw new ConfigError('REDIS_SENTINEL_NAME: set REDIS_SENTINELS too (the sentinels to ask for that master)');
  const minReplicasAcked = e.REDIS_MIN_REPLICAS_ACKED ?? (sentinels.length > 0 ? 1 : 0);
  if (minReplicasAcked > 0 && e.REDIS_CLUSTER_NODES)
    throw new ConfigError('REDIS_MIN_REPLICAS_ACKED: not supported with REDIS_CLUSTER_NODES (use 0, or Sentinel)');
  return { sentinels, sentinelName: e.REDIS_SENTINEL_NAME, minReplicasAcked, waitTimeoutMs: e.REDIS_WAIT_TIMEOUT_MS };
}

// A PEM can come inline or as a path to a file holding one or more certificates.
function readPem(value: string | undefined, variable: string): string | undefined {
  if (!value) return undefined;
  if (value.includes('-----BEGIN')) return value;
  if (!existsSync(value)) throw new ConfigError(`${variable}: no PEM text and no file at "${value}"`);
  try {
    return readFileSync(value, 'utf8');
  } catch (error) {
    // EACCES, EISDIR, …: one line naming the variable and the file, like every config error.
    throw new ConfigError(
      `${variable}: cannot read "${value}" (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
}

// The certificates it supplies are trusted to sign logins: only TLS may bring them (http for local tests and dev).
function metadataUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const url = new URL(value);
  if (
    url.protocol === 'https:' ||
    (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname))
  )
    return value;
  throw new ConfigError('SAML_IDP_METADATA_URL: must be an https:// URL (http:// only for localhost and 127.0.0.1)');
}

// SAML is all or nothing (unless a metadata URL supplies the rest), and its keys are checked
// here: a typo must stop the start, not the first login.
function samlKeys(e: z.infer<typeof EnvSchema>) {
  const idpCert = readPem(e.SAML_IDP_CERT, 'SAML_IDP_CERT');
  const idpMetadataUrl = metadataUrl(e.SAML_IDP_METADATA_URL);
  const required = {
    SAML_IDP_CERT: idpCert,
    SAML_IDP_SSO_URL: e.SAML_IDP_SSO_URL,
    SAML_IDP_ENTITY_ID: e.SAML_IDP_ENTITY_ID,
  };
  const missing = Object.keys(required).filter((k) => !required[k as keyof typeof required]);
  if (!idpMetadataUrl && missing.length > 0 && missing.length < 3) {
    throw new ConfigError(
      `${missing.join(', ')}: required once any of ${Object.keys(required).join(', ')} is set (or set SAML_IDP_METADATA_URL)`,
    );
  }
  if (idpMetadataUrl && missing.length === 0) {
    throw new ConfigError(
      `SAML_IDP_METADATA_URL: would supply nothing, since ${Object.keys(required).join(', ')} are all set; unset the ones it should supply`,
    );
  }
  if (e.SAML_ROLE_ATTRIBUTE && !e.SAML_ADMIN_VALUES?.trim()) {
    throw new ConfigError(
      'SAML_ADMIN_VALUES: required with SAML_ROLE_ATTRIBUTE (else the mapping would make every SSO admin a user)',
    );
  }
  const idpCerts = idpCert ? pemCertificates(idpCert, 'SAML_IDP_CERT') : [];
  const spPrivateKey = readPem(e.SAML_SP_PRIVATE_KEY, 'SAML_SP_PRIVATE_KEY');
  const spCert = readPem(e.SAML_SP_CERT, 'SAML_SP_CERT');
  if (Boolean(spPrivateKey) !== Boolean(spCert)) {
    throw new ConfigError(
      `${spPrivateKey ? 'SAML_SP_CERT' : 'SAML_SP_PRIVATE_KEY'}: set both SAML_SP_PRIVATE_KEY and SAML_SP_CERT, or neither`,
    );
  }
  if (spPrivateKey && spCert) {
    const [cert] = pemCertificates(spCert, 'SAML_SP_CERT');
    let key;
    try {
      key = createPrivateKey(spPrivateKey);
    } catch {
      throw new ConfigError('SAML_SP_PRIVATE_KEY: not an unencrypted PEM private key');
    }
    if (!new X509Certificate(cert!).checkPrivateKey(key))
      throw new ConfigError('SAML_SP_PRIVATE_KEY: does not match SAML_SP_CERT');
  }
  const idpMetadata = idpMetadataUrl
    ? Object.freeze({
        url: idpMetadataUrl,
        refreshSeconds: e.SAML_IDP_METADATA_REFRESH_SECONDS,
        timeoutMs: e.SAML_IDP_METADATA_TIMEOUT_MS,
      })
    : undefined;
  return { idpCert, idpCerts, spPrivateKey, spCert, idpMetadata };
}

function pemCertificates(text: string, variable: string): string[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new ConfigError(`${variable}: no PEM certificate (-----BEGIN CERTIFICATE-----) found`);
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch {
      throw new ConfigError(`${variable}: certificate #${i + 1} is not a valid X.509 certificate`);
    }
  });
  return blocks.map((block) => `${block}\n`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return buildConfig(parsed.data);
}

function buildConfig(e: z.infer<typeof EnvSchema>) {
  if (e.SESSION_IDLE_TTL > e.SESSION_MAX_TTL) {
    throw new ConfigError('SESSION_IDLE_TTL: must not exceed SESSION_MAX_TTL');
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const saml = samlKeys(e);
  const topology = redisTopology(e);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    /** METRICS_TOKEN / METRICS_PORT: who may read /metrics, and where it is served. */
    metrics: Object.freeze({ token: e.METRICS_TOKEN, port: e.METRICS_PORT }),
    trustProxy: /^\d+$/.test(e.TRUST_PROXY)
      ? Number(e.TRUST_PROXY)
      : e.TRUST_PROXY === 'true'
        ? true
        : e.TRUST_PROXY === 'false'
          ? false
          : e.TRUST_PROXY,
    publicUrl,
    /** Origins besides PUBLIC_URL's trusted for cookie-borne state changes (ALLOWED_ORIGINS). */
    allowedOrigins: Object.freeze(parseAllowedOrigins(e.ALLOWED_ORIGINS)),
    redis: Object.freeze({
      url: e.REDIS_URL ?? e.REDIS_DEFAULT_URL,
      /** REDIS_URL was given: then `serve` never starts a Redis of its own, it waits for that one. */
      urlFromEnv: e.REDIS_URL !== undefined,
      prefix: e.REDIS_PREFIX,
      clusterNodes: parseClusterNodes(e.REDIS_CLUSTER_NODES),
      /** REDIS_SENTINELS / REDIS_SENTINEL_NAME: the master is asked of these (REDIS_URL gives only its password and db). */
      sentinels: Object.freeze(topology.sentinels),
      sentinelName: topology.sentinelName,
      /** REDIS_MIN_REPLICAS_ACKED / REDIS_WAIT_TIMEOUT_MS: security writes WAIT for replicas; 0: they do not. */
      minReplicasAcked: topology.minReplicasAcked,
      waitTimeoutMs: topology.waitTimeoutMs,
    }),
    logLevel: e.LOG_LEVEL,
    /** DATA_DIR, absolute: where the embedded Redis (if any) keeps its files. */
    dataDir: resolve(e.DATA_DIR),
    /** LOG_FORMAT: how log lines are written to stdout. */
    logFormat: e.LOG_FORMAT,
    session: Object.freeze({ idleTtlSeconds: e.SESSION_IDLE_TTL, maxTtlSeconds: e.SESSION_MAX_TTL }),
    password: Object.freeze({
      minLength: e.PASSWORD_MIN_LENGTH,
      argon2: Object.freeze({
        memoryCost: e.ARGON2_MEMORY_KIB,
        timeCost: e.ARGON2_TIME_COST,
        parallelism: e.ARGON2_PARALLELISM,
      }),
      /** How long a temporary password can still be used to sign in (TEMP_PASSWORD_TTL). */
      temporaryTtlSeconds: e.TEMP_PASSWORD_TTL,
    }),
    login: Object.freeze({
      maxFailures: e.LOGIN_MAX_FAILURES,
      lockoutSeconds: e.LOGIN_LOCKOUT_SECONDS,
      /** LOGIN_MAX_CONCURRENT: password checks in hand at once, computing or waiting their turn (default 32 per core). */
      maxConcurrent: e.LOGIN_MAX_CONCURRENT ?? 32 * availableParallelism(),
    }),
    jobs: Object.freeze({
      waitMs: e.JOB_WAIT_MS,
      concurrency: e.WORKER_CONCURRENCY,
      lockMs: e.JOB_LOCK_MS,
      stalledIntervalMs: e.JOB_STALLED_INTERVAL_MS,
      attempts: e.JOB_ATTEMPTS,
      shutdownTimeoutMs: e.WORKER_SHUTDOWN_TIMEOUT_MS,
    }),
    audit: Object.freeze({ maxEvents: e.AUDIT_MAX_EVENTS }),
    /** SCIM `roles` values that make a user an admin; empty: role mapping is off. */
    scim: Object.freeze({
      adminRoleValues: (e.SCIM_ADMIN_ROLES ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
      /** SCIM_ADMIN_GROUPS: groups (displayName, externalId or id) whose members are admins; empty: off. */
      adminGroups: (e.SCIM_ADMIN_GROUPS ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    }),
    saml: Object.freeze({
      idpCert: saml.idpCert,
      idpSsoUrl: e.SAML_IDP_SSO_URL,
      idpEntityId: e.SAML_IDP_ENTITY_ID,
      /** SAML_IDP_METADATA_URL and how it is fetched; its values fill what SAML_IDP_* leave unset. */
      idpMetadata: saml.idpMetadata,
      allowIdpInitiated: e.SAML_ALLOW_IDP_INITIATED,
      roleAttribute: e.SAML_ROLE_ATTRIBUTE,
      adminValues: (e.SAML_ADMIN_VALUES ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
      linkPasswordUsers: e.SAML_LINK_PASSWORD_USERS,
      /** SAML_IDP_CERT split into one PEM per certificate (several during a rotation). */
      idpCerts: Object.freeze(saml.idpCerts),
      /** Signs AuthnRequests when set, with spCert published in the SP metadata. */
      spPrivateKey: saml.spPrivateKey,
      spCert: saml.spCert,
      /** Worker threads that validate SAML responses off the event loop. */
      poolSize: e.SAML_POOL_SIZE ?? availableParallelism(),
    }),
  });
}
