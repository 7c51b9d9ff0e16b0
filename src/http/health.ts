import { Router } from 'express';
import type { RedisClient } from '../redis/connection.js';

export interface HealthState {
  shuttingDown: boolean;
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
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'redis_unavailable' });
    }
  });
  return router;
}
