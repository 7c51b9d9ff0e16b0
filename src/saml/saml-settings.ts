import type { Config } from '../../config/index.js';

// What the service provider is and whom it trusts, derived once from the configuration.

/** At most this much disagreement between our clock and the IdP's is tolerated. */
export const CLOCK_SKEW_MS = 60_000;
/** How long a login started at /saml/login may take at the IdP (MFA included). */
export const LOGIN_REQUEST_TTL_SECONDS = 600;
/** Largest POST /saml/acs body; real responses are 5–30 KB (Entra puts at most 150 groups in one). */
export const ACS_BODY_LIMIT_BYTES = 64 * 1024;

/** The part of the settings a validation worker needs: plain data, so it crosses a thread boundary. */
export interface ValidationSettings {
  readonly spEntityId: string;
  readonly acsUrl: string;
  readonly idpEntityId: string;
  readonly idpCerts: readonly string[];
  readonly clockSkewMs: number;
}

export interface SamlSettings extends ValidationSettings {
  readonly metadataUrl: string;
  readonly idpSsoUrl: string;
  readonly allowIdpInitiated: boolean;
  readonly roleAttribute?: string;
  readonly adminValues: readonly string[];
  readonly linkPasswordUsers: boolean;
  readonly spPrivateKey?: string;
  readonly spCert?: string;
  readonly poolSize: number;
}

/** The SAML settings, or undefined when SAML is not configured (config makes it all or nothing). */
export function samlSettings(config: Config): SamlSettings | undefined {
  const { saml, publicUrl } = config;
  if (!saml.idpSsoUrl || !saml.idpEntityId || saml.idpCerts.length === 0) return undefined;
  // The entity id is the metadata URL, as Okta and Entra suggest; the ACS sits beside it.
  const metadataUrl = `${publicUrl}/saml/metadata`;
  return Object.freeze({
    spEntityId: metadataUrl,
    metadataUrl,
    acsUrl: `${publicUrl}/saml/acs`,
    idpEntityId: saml.idpEntityId,
    idpCerts: saml.idpCerts,
    idpSsoUrl: saml.idpSsoUrl,
    clockSkewMs: CLOCK_SKEW_MS,
    allowIdpInitiated: saml.allowIdpInitiated,
    roleAttribute: saml.roleAttribute,
    adminValues: saml.adminValues,
    linkPasswordUsers: saml.linkPasswordUsers,
    spPrivateKey: saml.spPrivateKey,
    spCert: saml.spCert,
    poolSize: saml.poolSize,
  });
}

export const validationSettings = (s: SamlSettings): ValidationSettings => ({
  spEntityId: s.spEntityId,
  acsUrl: s.acsUrl,
  idpEntityId: s.idpEntityId,
  idpCerts: [...s.idpCerts],
  clockSkewMs: s.clockSkewMs,
});
