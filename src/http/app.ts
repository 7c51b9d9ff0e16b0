import express, { type Express } from 'express';
import type { AppDeps } from './app-deps.js';
import { jobsRoutes } from '../admin/jobs.routes.js';
import { auditRoutes } from '../admin/audit.routes.js';
import { scimRoutes } from '../scim/scim.routes.js';
import { scimTokensRoutes } from '../admin/scim-tokens.routes.js';
import { healthRoutes } from './health.js';
import { requestLog } from './request-log.js';
import { createMetrics } from './metrics.js';
import { wellFormedQuery } from './well-formed-text.js';
import { problemHandler, problemNotFound } from './problem-handler.js';
import { authRoutes } from '../auth/auth.routes.js';
import { setupRoutes } from '../admin/setup.routes.js';
import { usersRoutes } from '../admin/users.routes.js';
import { samlRoutes } from '../saml/saml.routes.js';
import { apiDocsRoutes } from '../admin/api-docs.routes.js';
import { consoleRoutes } from '../console/console.routes.js';
import { connectionRoutes } from '../admin/connection.routes.js';

/** Assembles the HTTP application from its routers. */
export function createApp(
  deps: AppDeps,
  metrics = createMetrics(deps.directory, { logger: deps.logger, token: deps.config.metrics.token }),
): Express {
  const app = express();
  app.disable('x-powered-by');
  // Resources carry their own version ETags; a hash of every body is work nobody uses.
  app.set('etag', false);
  app.set('trust proxy', deps.config.trustProxy);
  // With METRICS_PORT, /metrics lives on its own listener (runtime.ts) and is a 404 here.
  app.use(healthRoutes(deps.redis, deps.health), ...(deps.config.metrics.port === undefined ? [metrics.routes] : []));
  app.use(requestLog(deps.logger), metrics.middleware, wellFormedQuery);
  app.use('/scim/v2', scimRoutes(deps));
  app.use('/auth', authRoutes(deps));
  app.use(
    '/api/v1',
    setupRoutes(deps),
    apiDocsRoutes(),
    usersRoutes(deps),
    jobsRoutes(deps),
    auditRoutes(deps),
    scimTokensRoutes(deps),
    connectionRoutes(deps),
  );
  app.use('/saml', samlRoutes(deps));
  app.use(consoleRoutes());
  app.use(problemNotFound);
  app.use(problemHandler(deps.logger));
  return app;
}
