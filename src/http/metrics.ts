import { Router, type Request, type RequestHandler } from 'express';
import { Registry, Counter, Histogram, Gauge, collectDefaultMetrics } from 'prom-client';
import type { Directory } from '../directory/index.js';

// Prometheus metrics: process defaults (event-loop lag, memory, GC), HTTP requests by route
// template (never by raw path, which would explode cardinality), and users by status.

// An error thrown out of a router resets req.baseUrl before 'finish'; the mount is then
// recovered from the original URL.
const MOUNTS = ['/api/v1', '/auth', '/scim/v2', '/saml'];
function routeTemplate(req: Request): string {
  if (!req.route) return 'unmatched';
  const base = req.baseUrl || MOUNTS.find((m) => req.originalUrl.startsWith(`${m}/`)) || '';
  return `${base}${String(req.route.path)}`;
}

export interface Metrics {
  registry: Registry;
  middleware: RequestHandler;
  routes: Router;
}

export function createMetrics(directory: Directory): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'rune_' });
  const requests = new Counter({
    name: 'rune_http_requests_total', help: 'HTTP requests answered', labelNames: ['method', 'route', 'status'], registers: [registry],
  });
  const duration = new Histogram({
    name: 'rune_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
  });
  new Gauge({
    name: 'rune_users', help: 'Users in the directory by status', labelNames: ['status'], registers: [registry],
    async collect() {
      const counts = await directory.countUsersByStatus();
      for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
    },
  });

  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      const route = routeTemplate(req);
      end({ method: req.method, route });
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };

  const routes = Router();
  routes.get('/metrics', async (_req, res) => {
    try {
      res.set('Content-Type', registry.contentType).send(await registry.metrics());
    } catch {
      res.status(503).type('text/plain').send('# metrics unavailable: the directory store is unreachable\n');
    }
  });
  return { registry, middleware, routes };
}
