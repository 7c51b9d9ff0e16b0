import { Router, type RequestHandler } from 'express';
import { Registry, Counter, Histogram, Gauge, collectDefaultMetrics } from 'prom-client';
import type { Directory } from '../directory/index.js';

// Prometheus metrics: process defaults (event-loop lag, memory, GC), HTTP requests by route
// template (never by raw path, which would explode cardinality), and users by status.

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
    // Express sets req.route when a route matches, while req.baseUrl still holds the mount
    // path; by 'finish' an error on the way out may have reset baseUrl. Take both at that moment.
    let template = 'unmatched';
    let current: unknown;
    Object.defineProperty(req, 'route', {
      configurable: true,
      get: () => current,
      set(route: { path: string }) {
        current = route;
        template = `${req.baseUrl}${String(route.path)}`;
      },
    });
    res.on('finish', () => {
      const route = template;
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
