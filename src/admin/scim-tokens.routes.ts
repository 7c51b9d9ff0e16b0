import { Router } from 'express';
import type { z } from 'zod';
import type { AppDeps } from '../http/app-deps.js';
import { validateBody } from '../http/validate.js';
import { jsonBody } from '../http/json-body.js';
import { uuidParam } from '../http/ids.js';
import { notFound } from '../http/problem.js';
import { requireSession, requireAdmin, authOf } from '../auth/session-middleware.js';
import { CreateScimTokenSchema as CreateScimToken } from './scim-tokens.schema.js';

import { presentScimToken as present } from '../present/scim-token.js';

/** /api/v1/scim-tokens: the bearer tokens IdPs provision with; shown once, stored hashed. */
export function scimTokensRoutes(deps: Pick<AppDeps, 'directory' | 'config' | 'scimTokens'>): Router {
  const { directory } = deps;
  const router = Router();
  router.use('/scim-tokens', requireSession(directory, deps.config), requireAdmin, jsonBody({ limit: '4kb' }));
  router.param(
    'id',
    uuidParam(() => notFound('No such SCIM token.')),
  );

  router.get('/scim-tokens', async (_req, res) => {
    res.json({ tokens: (await directory.listScimTokens()).map(present) });
  });

  router.post('/scim-tokens', validateBody(CreateScimToken), async (_req, res) => {
    const { name } = res.locals.body as z.infer<typeof CreateScimToken>;
    const created = await directory.createScimToken(name);
    await directory.appendAudit(
      { actorId: authOf(res).user.id, source: 'admin-api' },
      'scim_token.created',
      created.id,
      { name },
    );
    res.status(201).set('Cache-Control', 'no-store').json({ id: created.id, name: created.name, token: created.token });
  });

  router.delete('/scim-tokens/:id', async (req, res) => {
    const id = String(req.params.id);
    // Its name, for the audit trail: once revoked, nothing else remembers it.
    const name = (await directory.listScimTokens()).find((t) => t.id === id)?.name;
    // This server forgets it now; the others on the revocation announcement.
    deps.scimTokens.forget(await directory.revokeScimToken(id));
    await directory.appendAudit(
      { actorId: authOf(res).user.id, source: 'admin-api' },
      'scim_token.revoked',
      id,
      name ? { name } : {},
    );
    res.status(204).end();
  });
  return router;
}
