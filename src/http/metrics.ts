import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import express, { Router, type Request, type Response, type RequestHandler } from 'express';
import { Registry, Counter, Histogram, Gauge, collectDefaultMetrics } from 'prom-client';
import type { Directory } from '../directory/index.js';
import { requestLogger, type Logger } from '../logger.js';

// Prometheus metrics: process defaults (event-loop lag, memory, GC), HTTP requests by route
// template (never by raw path, which would explode cardinality), and users by status.
//
// A request's 'finish' handler runs outside any try: a throw there is an uncaught exception.
// prom-client walks label objects with for…in, so an inherited (polluted) property of
// Object.prototype once threw from here and killed the process. Hence label objects without a
// prototype, values from allow-lists read as own properties only, and a handler that logs and
// swallows whatever still throws.

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

// An error thrown out of a router resets req.baseUrl before 'finish'; the mount is then
// recovered from the original URL.
const MOUNTS = ['/api/v1', '/auth', '/scim/v2', '/saml'];

const own = (object: unknown, key: string): unknown =>
  object !== null && typeof object === 'object' && Object.hasOwn(object, key)
    ? (object as Record<string, unknown>)[key]
    : undefined;

function methodLabel(req: Request): string {
  const method = own(req, 'method');
  return typeof method === 'string' && METHODS.has(method) ? method : 'OTHER';
}

/** The route template a request matched (`/api/v1/users/:id`), or `unmatched`; the request log shares it. */
export function routeLabel(req: Request): string {
  const path = own(own(req, 'route'), 'path');
  if (typeof path !== 'string') return 'unmatched';
  const baseUrl = own(req, 'baseUrl');
  const originalUrl = own(req, 'originalUrl');
  const base =
    (typeof baseUrl === 'string' && baseUrl) ||
    (typeof originalUrl === 'string' && MOUNTS.find((m) => originalUrl.startsWith(`${m}/`))) ||
    '';
  return `${base}${path}`;
}

const statusLabel = (res: Response): string => {
  const status = own(res, 'statusCode');
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599
    ? String(status)
    : '000';
};

/** A label set with no prototype: nothing inherited can become a label. */
function labels(values: Record<string, string>): Record<string, string> {
  return Object.assign(Object.create(null) as Record<string, string>, values);
}

/** Bearer token compared in constant time (over SHA-256 digests, so lengths do not leak either). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (\S+)$/i.exec(header ?? '');
  if (!match) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]!), digest(token));
}

export interface MetricsOptions {
  logger: Logger;
  /** METRICS_TOKEN: when set, GET /metrics needs `Authorization: Bearer <token>`. */
  token?: string;
}

export interface Metrics {
  registry: Registry;
  middleware: RequestHandler;
  /** GET /metrics (behind the token when one is set). */
  routes: Router;
}

export function createMetrics(directory: Directory, options: MetricsOptions): Metrics {
  const { logger, token } = options;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'rune_' });
  const requests = new Counter({
    name: 'rune_http_requests_total',
    help: 'HTTP requests answered',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'rune_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'rune_users',
    help: 'Users in the directory by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await directory.countUsersByStatus();
      for (const [status, count] of Object.entries(counts)) this.set(labels({ status }), count);
    },
  });

  const middleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      try {
        const method = methodLabel(req);
        const route = routeLabel(req);
        duration.observe(labels({ method, route }), Number(process.hrtime.bigint() - started) / 1e9);
        requests.inc(labels({ method, route, status: statusLabel(res) }));
      } catch (error) {
        requestLogger(logger, res).error({ err: error }, 'metrics: a request could not be counted');
      }
    });
    next();
  };

  const routes = Router();
  routes.get('/metrics', async (req, res) => {
    if (token !== undefined && !bearerMatches(req.get('authorization'), token)) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="metrics"')
        .type('text/plain')
        .send('# send Authorization: Bearer <METRICS_TOKEN>\n');
      return;
    }
    try {
      res.set('Content-Type', registry.contentType).send(await registry.metrics());
    } catch {
      res.status(503).type('text/plain').send('# metrics unavailable: the directory store is unreachable\n');
    }
  });
  return { registry, middleware, routes };
}

/** METRICS_PORT: /metrics alone, on its own listener (bound to HOST), kept off the main port. */
export async function startMetricsServer(metrics: Metrics, port: number, host: string): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.use(metrics.routes);
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('# only /metrics is served here\n');
  });
  // Not app.listen: express 5 passes a listen error (EADDRINUSE) to its callback, which resolved.
  return new Promise<Server>((resolve, reject) => {
    const server = createServer(app);
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
