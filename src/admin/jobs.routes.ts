import { Router } from 'express';
import type { AppDeps } from '../http/app-deps.js';
import { notFound } from '../http/problem.js';
import { requireSession, requireAdmin } from '../auth/session-middleware.js';

/** GET /api/v1/jobs/:id: the state of a deactivation or revocation job (after a 202). */
export function jobsRoutes(deps: Pick<AppDeps, 'directory' | 'config' | 'jobs'>): Router {
  const router = Router();
  router.get('/jobs/:id', requireSession(deps.directory, deps.config), requireAdmin, async (req, res) => {
    const job = await deps.jobs.getJob(String(req.params.id));
    if (!job) throw notFound('No such job; finished jobs are kept for a day.');
    res.json({ job });
  });
  return router;
}
