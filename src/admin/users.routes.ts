import express, { Router } from 'express';
import type { z } from 'zod';
import type { AppDeps } from '../http/app-deps.js';
import { validateBody, validateQuery } from '../http/validate.js';
import { jsonBody } from '../http/json-body.js';
import { uuidParam } from '../http/ids.js';
import { notFound } from '../http/problem.js';
import { requireSession, requireAdmin, authOf } from '../auth/session-middleware.js';
import { createPasswordUser } from '../auth/provision-user.js';
import { resetPassword } from '../auth/reset-password.js';
import { presentUser } from '../present/user.js';
import { respondWithJob } from './job-response.js';
import { CreateUserSchema, UpdateUserSchema, ListUsersQuery } from './users.schema.js';
import type { Actor } from '../directory/index.js';

export const adminActor = (res: express.Response): Actor => ({ actorId: authOf(res).user.id, source: 'admin-api' });

/** /api/v1/users: the admin's view of the directory. */
export function usersRoutes(deps: Pick<AppDeps, 'directory' | 'config' | 'hasher' | 'jobs'>): Router {
  const { directory } = deps;
  const router = Router();
  router.use('/users', requireSession(directory, deps.config), requireAdmin, jsonBody({ limit: '16kb' }));
  router.param(
    'id',
    uuidParam(() => notFound('No user with this id.')),
  );

  router.get('/users', validateQuery(ListUsersQuery), async (_req, res) => {
    const query = res.locals.query as z.infer<typeof ListUsersQuery>;
    const page = await directory.listUsers(query);
    res.json({ users: page.users.map(presentUser), nextCursor: page.nextCursor, total: page.total });
  });

  router.post('/users', validateBody(CreateUserSchema), async (_req, res) => {
    const body = res.locals.body as z.infer<typeof CreateUserSchema>;
    const { user, temporaryPassword } = await createPasswordUser(deps, body, adminActor(res));
    res
      .status(201)
      .location(`/api/v1/users/${user.id}`)
      .set('Cache-Control', 'no-store')
      .json({ user: presentUser(user), temporaryPassword });
  });

  const current = async (id: string) => {
    const user = await directory.getUser(id);
    if (!user) throw notFound('No user with this id.');
    return user;
  };

  router.get('/users/:id', async (req, res) => {
    res.json({ user: presentUser(await current(String(req.params.id))) });
  });

  router.patch('/users/:id', validateBody(UpdateUserSchema), async (req, res) => {
    const body = res.locals.body as z.infer<typeof UpdateUserSchema>;
    const user = await directory.updateUser(String(req.params.id), body, adminActor(res));
    res.json({ user: presentUser(user) });
  });

  // The guide: a signed-in user cannot be deleted; deactivate them first (409 active_sessions).
  // The dead sessions of a deactivated user may still have keys: the clean-up job deletes them.
  router.delete('/users/:id', async (req, res) => {
    const id = String(req.params.id);
    const { sessionsLeft } = await directory.deleteUser(id, adminActor(res));
    if (sessionsLeft > 0) await deps.jobs.cleanUpAfterDeactivation(id, adminActor(res), { deleted: true, wait: false });
    res.status(204).end();
  });

  // Deactivation takes effect here: the rules are checked where the status is written, and
  // every session ends with it. A job then deletes the session keys; the answer waits for it
  // up to JOB_WAIT_MS, and a 202 already shows the user inactive.
  router.post('/users/:id/deactivate', async (req, res) => {
    const id = String(req.params.id);
    const { user } = await directory.deactivateUser(id, adminActor(res));
    if (user.sessionsToCleanUp === 0) {
      res.json({ user: presentUser(user) });
      return;
    }
    const outcome = await deps.jobs.cleanUpAfterDeactivation(id, adminActor(res));
    await respondWithJob(res, outcome, async () => ({ user: presentUser(await current(id)) }), {
      user: presentUser(user),
    });
  });

  router.post('/users/:id/activate', async (req, res) => {
    const { user } = await directory.activateUser(String(req.params.id), adminActor(res));
    res.json({ user: presentUser(user) });
  });

  // Sessions stop working at once; the job then deletes them.
  router.post('/users/:id/revoke-sessions', async (req, res) => {
    const id = String(req.params.id);
    await directory.endAllSessions(id);
    const outcome = await deps.jobs.revokeSessions(id, adminActor(res), 'admin');
    await respondWithJob(res, outcome, async (result) => ({
      user: presentUser(await current(id)),
      sessionsRevoked: result.sessionsRevoked,
    }));
  });

  // Hands a password user over to the identity provider (DESIGN.md rule 8): done in the request
  // (no password, kind sso, every session ended, the caller's own too if they convert
  // themselves); the job only deletes the ended sessions, so the answer never waits for it.
  router.post('/users/:id/convert-to-sso', async (req, res) => {
    const id = String(req.params.id);
    const user = await directory.convertToSso(id, adminActor(res));
    await deps.jobs.revokeSessions(id, adminActor(res), 'admin', { wait: false });
    res.json({ user: presentUser(user) });
  });

  // A new temporary password, shown once; the user's sessions end and the next sign-in must change it.
  router.post('/users/:id/reset-password', async (req, res) => {
    const { user, temporaryPassword } = await resetPassword(deps, String(req.params.id), adminActor(res));
    res.set('Cache-Control', 'no-store').json({ user: presentUser(user), temporaryPassword });
  });

  return router;
}
