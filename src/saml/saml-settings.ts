import type { Config } from '../../config/index.js';
import { SamlError, METADATA_UNAVAILABLE } from './errors.js';
import type { IdpMetadata } from './idp-metadata.js';

// What the service provider is, derived once from the configuration, and whom it trusts: the
// configured IdP, or the one its metadata describes (which can change while we run).

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

/** Our side: what the SP is, and how it treats what the IdP asserts. Fixed for the process. */
export interface SpSettings {
  readonly spEntityId: string;
  readonly metadataUrl: string;
  readonly acsUrl: string;
  readonly clockSkewMs: number;
  readonly allowIdpInitiated: boolean;
  readonly roleAttribute?: string;
  readonly adminValues: readonly string[];
  readonly linkPasswordUsers: boolean;
  readonly spPrivateKey?: string;
  readonly spCert?: string;
  readonly poolSize: number;
}

export interface SamlSettings extends SpSettings, ValidationSettings {
  readonly idpSsoUrl: string;
}

/** Whether SAML is on: an IdP given by hand (all three SAML_IDP_*) or by its metadata URL. */
export const samlConfigured = (config: Config): boolean =>
  Boolean(config.saml.idpMetadata) || config.saml.idpCerts.length > 0;

/** The SP side of the settings, or undefined when SAML is not configured. */
export function spSettings(config: Config): SpSettings | undefined {
  if (!samlConfigured(config)) return undefined;
  const { saml, publicUrl } = config;
  // The entity id is the metadata URL, as Okta and Entra suggest; the ACS sits beside it.
  const metadataUrl = `${publicUrl}/saml/metadata`;
  return Object.freeze({
    spEntityId: metadataUrl,
    metadataUrl,
    acsUrl: `${publicUrl}/saml/acs`,
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

/**
 * The SAML settings of this moment, or undefined while the IdP is not known (SAML not configured,
 * or its metadata not fetched yet). A SAML_IDP_* value set by hand wins over the metadata's:
 * SAML_IDP_CERT pins the certificates, and the metadata then supplies only the rest.
 */
export function samlSettings(config: Config, idp?: IdpMetadata): SamlSettings | undefined {
  const sp = spSettings(config);
  const { saml } = config;
  const idpEntityId = saml.idpEntityId ?? idp?.entityId;
  const idpSsoUrl = saml.idpSsoUrl ?? idp?.ssoUrl;
  const idpCerts = saml.idpCerts.length > 0 ? saml.idpCerts : (idp?.certs ?? []);
  if (!sp || !idpEntityId || !idpSsoUrl || idpCerts.length === 0) return undefined;
  return Object.freeze({ ...sp, idpEntityId, idpSsoUrl, idpCerts });
}

export const validationSettings = (s: SamlSettings): ValidationSettings => ({
  spEntityId: s.spEntityId,
  acsUrl: s.acsUrl,
  idpEntityId: s.idpEntityId,
  idpCerts: [...s.idpCerts],
  clockSkewMs: s.clockSkewMs,
});

/**
 * The settings of each moment, rebuilt whenever `idp` holds a new copy of the IdP's metadata; the
 * function throws saml_metadata_unavailable (503) while the IdP is not known yet.
 */
export function currentSamlSettings(config: Config, idp?: { readonly metadata?: IdpMetadata }): () => SamlSettings {
  let built: { from?: IdpMetadata; settings?: SamlSettings } | undefined;
  return () => {
    const metadata = idp?.metadata;
    if (!built || built.from !== metadata) built = { from: metadata, settings: samlSettings(config, metadata) };
    if (!built.settings) throw new SamlError('saml_metadata_unavailable', METADATA_UNAVAILABLE);
    return built.settings;
  };
}
