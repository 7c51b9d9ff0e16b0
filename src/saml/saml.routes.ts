import express, { Router, type ErrorRequestHandler } from 'express';
import type { AppDeps } from '../http/app-deps.js';
import { setSessionCookie } from '../auth/session-cookie.js';
import { requestLogger, type Logger } from '../logger.js';
import { completeSamlLogin, type AcsDeps } from './acs.js';
import { loginRedirectUrl, newRequestId } from './authn-request.js';
import { SamlError, NOT_CONFIGURED, RESPONSE_MISSING, RESPONSE_TOO_LARGE } from './errors.js';
import { loginSecret, readLoginCookie, setLoginCookie } from './login-cookie.js';
import { spMetadataXml } from './metadata.js';
import { safeRelayPath } from './relay-state.js';
import { SamlRequestStore } from './request-store.js';
import { ACS_BODY_LIMIT_BYTES, LOGIN_REQUEST_TTL_SECONDS, currentSamlSettings, spSettings } from './saml-settings.js';

const missing = (what: string): never => {
  throw new Error(`SAML is configured but the runtime has no ${what} (open it with jobs: true)`);
};

/** /saml: SP metadata, SP-initiated login, and the assertion consumer. */
export function samlRoutes(
  deps: Pick<AppDeps, 'directory' | 'config' | 'redis' | 'logger' | 'samlPool' | 'samlIdp'>,
): Router {
  const router = Router();
  const sp = spSettings(deps.config);
  if (!sp) {
    router.use((_req, _res, next) => next(new SamlError('saml_not_configured', NOT_CONFIGURED).toProblem()));
    return router;
  }
  const store = new SamlRequestStore(deps.redis, deps.directory.keys);
  // With SAML_IDP_METADATA_URL, whom we trust is what the refresher last fetched.
  const settings = currentSamlSettings(
    deps.config,
    deps.config.saml.idpMetadata ? (deps.samlIdp ?? missing('IdP metadata refresher')) : undefined,
  );
  const acs: AcsDeps = {
    directory: deps.directory,
    store,
    pool: deps.samlPool ?? missing('validation pool'),
    settings,
    logger: deps.logger,
  };
  const metadata = spMetadataXml(sp);

  router.get('/metadata', (_req, res) => {
    res.type('application/xml').send(metadata);
  });

  router.get('/login', async (req, res) => {
    const now = settings();
    const requestId = newRequestId();
    const secret = loginSecret(req);
    const issued = await store.issue(
      requestId,
      secret,
      { relayState: safeRelayPath(req.query.RelayState) },
      LOGIN_REQUEST_TTL_SECONDS,
    );
    if (!issued) throw new Error('SAML request id collision');
    const idpUrl = await loginRedirectUrl(now, requestId);
    setLoginCookie(res, secret, LOGIN_REQUEST_TTL_SECONDS);
    res.set('Cache-Control', 'no-store').redirect(302, idpUrl);
  });

  router.post(
    '/acs',
    express.urlencoded({ extended: false, limit: ACS_BODY_LIMIT_BYTES, parameterLimit: 10 }),
    async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (typeof body.SAMLResponse !== 'string' || body.SAMLResponse === '')
        throw new SamlError('saml_response_missing', RESPONSE_MISSING);
      const login = await completeSamlLogin(
        { ...acs, logger: requestLogger(deps.logger, res) },
        {
          samlResponse: body.SAMLResponse,
          relayState: body.RelayState,
          browserSecret: readLoginCookie(req),
        },
      );
      setSessionCookie(res, login.token, login.session.absoluteExpiresAt, deps.config.publicUrl);
      res.set('Cache-Control', 'no-store').redirect(302, login.redirectTo);
    },
  );

  router.use(samlRefusals(deps.logger));
  return router;
}

// A refused response is answered here and now, as a problem document: never a redirect.
function samlRefusals(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    const refused =
      error instanceof SamlError
        ? error
        : (error as { type?: string })?.type === 'entity.too.large'
          ? new SamlError('saml_response_too_large', RESPONSE_TOO_LARGE)
          : undefined;
    if (!refused) return next(error);
    requestLogger(logger, res).warn(
      { code: refused.code, detail: refused.message, path: req.originalUrl, ip: req.ip },
      'saml sign-in refused',
    );
    next(refused.toProblem());
  };
}
