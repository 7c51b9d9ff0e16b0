import { Router } from 'express';
import type { AppDeps } from '../http/app-deps.js';
import { validateQuery } from '../http/validate.js';
import { requireSession, requireAdmin } from '../auth/session-middleware.js';
import { samlSettings, spSettings } from '../saml/saml-settings.js';
import { ConnectionQuery } from './connection.schema.js';

/** What an admin pastes into the IdP: the SCIM base URL and, when SAML is configured, the SP's URLs. */
export interface Connection {
  publicUrl: string;
  scim: { baseUrl: string };
  saml:
    | { configured: false }
    | {
        configured: true;
        entityId: string;
        acsUrl: string;
        metadataUrl: string;
        loginUrl: string;
        /** The IdP trusted now: set by hand, or from its metadata; null while the metadata has not arrived. */
        idpEntityId: string | null;
      };
}

export function connectionOf(deps: Pick<AppDeps, 'config' | 'samlIdp'>): Connection {
  const { publicUrl } = deps.config;
  const sp = spSettings(deps.config);
  return {
    publicUrl,
    scim: { baseUrl: `${publicUrl}/scim/v2` },
    saml: sp
      ? {
          configured: true,
          entityId: sp.spEntityId,
          acsUrl: sp.acsUrl,
          metadataUrl: sp.metadataUrl,
          loginUrl: `${publicUrl}/saml/login`,
          idpEntityId: samlSettings(deps.config, deps.samlIdp?.metadata)?.idpEntityId ?? null,
        }
      : { configured: false },
  };
}

/** GET /api/v1/connection: the URLs the console's Settings → SCIM tokens page shows for Okta and Entra ID. */
export function connectionRoutes(deps: Pick<AppDeps, 'directory' | 'config' | 'samlIdp'>): Router {
  const router = Router();
  router.get(
    '/connection',
    requireSession(deps.directory, deps.config),
    requireAdmin,
    validateQuery(ConnectionQuery),
    (_req, res) => {
      res.json(connectionOf(deps));
    },
  );
  return router;
}
