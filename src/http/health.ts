import { Router } from 'express';
import type { RedisClient } from '../redis/connection.js';

export interface HealthState {
  shuttingDown: boolean;
  /** What /readyz reports beside its status (the IdP metadata's state); informative, never a reason to be unready. */
  details?: () => Record<string, unknown>;
}

/** /healthz: the process is alive. /readyz: Redis answers and the process is not shutting down. */
export function healthRoutes(redis: RedisClient, state: HealthState): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (state.shuttingDown) {
      res.status(503).json({ status: 'shutting_down' });
      return;
    }
    try {
      await Promise.race([
        redis.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000).unref()),
      ]);
      res.json({ status: 'ready', ...detailsOf(state) });
    } catch {
      res.status(503).json({ status: 'redis_unavailable', ...detailsOf(state) });
    }
  });
  return router;
}

const detailsOf = (state: HealthState) => (state.details ? { details: state.details() } : {});
