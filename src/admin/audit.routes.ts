import { Router } from 'express';
import type { z } from 'zod';
import type { AppDeps } from '../http/app-deps.js';
import { validateQuery } from '../http/validate.js';
import { requireSession, requireAdmin } from '../auth/session-middleware.js';
import { AuditQuery } from './audit.schema.js';

/** GET /api/v1/audit: who did what to whom, from which source, newest first. */
export function auditRoutes(deps: Pick<AppDeps, 'directory' | 'config'>): Router {
  const router = Router();
  router.get(
    '/audit',
    requireSession(deps.directory, deps.config),
    requireAdmin,
    validateQuery(AuditQuery),
    async (_req, res) => {
      const query = res.locals.query as z.infer<typeof AuditQuery>;
      const page = await deps.directory.listAudit({ before: query.cursor, limit: query.limit });
      res.json({
        events: page.events.map((e) => ({ ...e, at: e.at.toISOString() })),
        nextCursor: page.nextCursor,
      });
    },
  );
  return router;
}
