import { requestLogger } from '../logger.js';
import { Router, type ErrorRequestHandler } from 'express';
import type { AppDeps } from '../http/app-deps.js';
import { jsonBody } from '../http/json-body.js';
import { requestPath } from '../http/request-log.js';
import { scimAuth } from './scim-auth.js';
import { scimUsersRoutes } from './users.routes.js';
import { scimGroupsRoutes } from './groups.routes.js';
import { discoveryRoutes } from './discovery.routes.js';
import { ScimError, toScimError } from './scim-error.js';
import { sendScim } from './respond.js';

export const SCIM_BODY_LIMIT = '256kb';

/** /scim/v2: authentication, bodies in application/scim+json or application/json, SCIM errors. */
export function scimRoutes(deps: Pick<AppDeps, 'directory' | 'config' | 'jobs' | 'scimTokens' | 'logger'>): Router {
  const baseUrl = `${deps.config.publicUrl}/scim/v2`;
  const router = Router();
  router.use(scimAuth(deps.directory, deps.scimTokens));
  router.use(jsonBody({ limit: SCIM_BODY_LIMIT, type: ['application/scim+json', 'application/json'] }));
  router.use(scimUsersRoutes(deps, baseUrl));
  router.use(scimGroupsRoutes(deps, baseUrl));
  router.use(discoveryRoutes(baseUrl));
  router.use((req) => {
    throw new ScimError(404, `No SCIM endpoint ${req.method} ${req.path}.`);
  });
  const handler: ErrorRequestHandler = (error, req, res, _next) => {
    const scimError = toScimError(error);
    if (scimError) {
      if (scimError.status === 401) res.set('WWW-Authenticate', 'Bearer realm="scim"');
      if (scimError.status === 503) res.set('Retry-After', '5');
      sendScim(res, scimError.status, scimError.body());
      return;
    }
    requestLogger(deps.logger, res).error(
      { err: error, method: req.method, path: requestPath(req) },
      'unexpected SCIM error',
    );
    sendScim(res, 500, new ScimError(500, 'Something went wrong on our side; it has been logged.').body());
  };
  router.use(handler);
  return router;
}
