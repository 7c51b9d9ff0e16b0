import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../http/app.js';
import { validateQuery } from '../http/validate.js';
import { requireSession, requireAdmin } from '../auth/session-middleware.js';

const AuditQuery = z.strictObject({
  cursor: z.string().regex(/^\d+-\d+$/, 'must be a cursor from a previous page').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** GET /api/v1/audit: who did what to whom, from which source, newest first. */
export function auditRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/audit', requireSession(deps.directory, deps.config), requireAdmin, validateQuery(AuditQuery), async (_req, res) => {
    const query = res.locals.query as z.infer<typeof AuditQuery>;
    const page = await deps.directory.listAudit({ before: query.cursor, limit: query.limit });
    res.json({
      events: page.events.map((e) => ({ ...e, at: e.at.toISOString() })),
      nextCursor: page.nextCursor,
    });
  });
  return router;
}
