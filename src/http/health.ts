import { Router } from 'express';
import { withinTime, type RedisClient } from '../redis/connection.js';

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
      // A Redis that refuses (ping rejects) and one that does not answer within a second are both unready.
      if ((await withinTime(redis.ping(), 1000)) === 'timeout') throw new Error('timeout');
      res.json({ status: 'ready', ...detailsOf(state) });
    } catch {
      res.status(503).json({ status: 'redis_unavailable', ...detailsOf(state) });
    }
  });
  return router;
}

const detailsOf = (state: HealthState) => (state.details ? { details: state.details() } : {});
