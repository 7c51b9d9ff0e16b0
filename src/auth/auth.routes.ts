import { Router } from 'express';
import type { AppDeps } from '../http/app-deps.js';
import { presentUser } from '../present/user.js';
import { presentSession } from '../present/session.js';
import { validateBody } from '../http/validate.js';
import { jsonBody } from '../http/json-body.js';
import { requireSession, authOf } from './session-middleware.js';
import { setSessionCookie, clearSessionCookie } from './session-cookie.js';
import { LoginSchema, ChangePasswordSchema } from './auth.schema.js';
import { signIn } from './sign-in.js';
import { changePassword } from './change-password.js';
import { LoginGate } from './login-gate.js';
import { samlConfigured } from '../saml/saml-settings.js';
import type { z } from 'zod';

/** /auth: password sign-in, the forced password change, who am I, sign-out. */
export function authRoutes(deps: Pick<AppDeps, 'directory' | 'config' | 'hasher' | 'jobs' | 'throttle'>): Router {
  const { directory, config } = deps;
  const router = Router();
  router.use(jsonBody({ limit: '16kb', type: ['application/json', 'application/*+json'] }));
  const signedIn = requireSession(directory, config, { allowPasswordChange: true });
  // Password checks in hand (LOGIN_MAX_CONCURRENT); one more is login_busy before anything is counted.
  const gate = new LoginGate(config.login.maxConcurrent);

  // Public: what the sign-in page offers (SSO when SAML is configured; the first-admin signup
  // while the directory is empty) and the password length it asks for.
  router.get('/methods', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({
      password: true,
      saml: samlConfigured(config),
      setupRequired: (await directory.countUsers()) === 0,
      passwordMinLength: config.password.minLength,
      publicUrl: config.publicUrl,
    });
  });

  router.post('/login', validateBody(LoginSchema), async (req, res) => {
    const { email, password } = res.locals.body as z.infer<typeof LoginSchema>;
    const { token, session, user } = await gate.run(() => signIn(deps, email, password, req.ip ?? 'unknown'));
    setSessionCookie(res, token, session.absoluteExpiresAt, config.publicUrl);
    res.set('Cache-Control', 'no-store').json({
      token,
      expiresAt: session.expiresAt.toISOString(),
      user: presentUser(user),
      mustChangePassword: session.scope === 'password-change',
    });
  });

  router.post('/password', signedIn, validateBody(ChangePasswordSchema), async (_req, res) => {
    const body = res.locals.body as z.infer<typeof ChangePasswordSchema>;
    const auth = authOf(res);
    const user = await gate.run(() =>
      changePassword(
        {
          directory,
          hasher: deps.hasher,
          jobs: deps.jobs,
          throttle: deps.throttle,
          minLength: config.password.minLength,
        },
        { ...auth, currentPassword: body.currentPassword, newPassword: body.newPassword },
      ),
    );
    res.json({ user: presentUser(user) });
  });

  router.get('/session', signedIn, (_req, res) => {
    const { user, session } = authOf(res);
    res.set('Cache-Control', 'no-store').json({ user: presentUser(user), session: presentSession(session) });
  });

  router.post('/logout', signedIn, async (_req, res) => {
    await directory.revokeSession(authOf(res).tokenHash);
    clearSessionCookie(res, config.publicUrl);
    res.status(204).end();
  });

  return router;
}
