import { Router } from 'express';
import type { z } from 'zod';
import type { AppDeps } from '../http/app-deps.js';
import { validateBody } from '../http/validate.js';
import { jsonBody } from '../http/json-body.js';
import { SetupSchema } from '../auth/auth.schema.js';
import { setUpFirstAdmin } from '../auth/provision-user.js';
import { presentUser } from '../present/user.js';
import { OPENAPI_DOCUMENT } from './openapi.js';

/** POST /api/v1/setup: the first admin, while the directory is empty; 409 afterwards. And the API's description. */
export function setupRoutes(deps: Pick<AppDeps, 'directory' | 'config' | 'hasher'>): Router {
  const router = Router();
  router.post('/setup', jsonBody({ limit: '16kb' }), validateBody(SetupSchema), async (_req, res) => {
    const body = res.locals.body as z.infer<typeof SetupSchema>;
    const user = await setUpFirstAdmin(
      { directory: deps.directory, hasher: deps.hasher, minLength: deps.config.password.minLength },
      body,
    );
    res.status(201).json({ user: presentUser(user) });
  });
  router.get('/openapi.json', (_req, res) => {
    res.json(OPENAPI_DOCUMENT);
  });
  return router;
}
