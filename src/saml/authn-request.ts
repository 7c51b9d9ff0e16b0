import { randomBytes } from 'node:crypto';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import type { SamlSettings } from './saml-settings.js';

// SP-initiated login: the IdP URL carrying a deflated AuthnRequest (HTTP-Redirect binding),
// signed with the SP key when one is configured.

/** A fresh request id: an XML ID (starts with a letter or "_"), 160 random bits. */
export const newRequestId = () => `_${randomBytes(20).toString('hex')}`;

export function loginRedirectUrl(settings: SamlSettings, requestId: string): Promise<string> {
  // One SAML instance per request, because node-saml takes the request id from a callback.
  const saml = new SAML({
    entryPoint: settings.idpSsoUrl,
    issuer: settings.spEntityId,
    callbackUrl: settings.acsUrl,
    idpCert: [...settings.idpCerts],
    generateUniqueId: () => requestId,
    // The IdP chooses the NameID format it was configured with (emailAddress or persistent).
    identifierFormat: null,
    // Requesting "password over TLS" exactly would refuse MFA and passwordless logins at Entra ID.
    disableRequestedAuthnContext: true,
    validateInResponseTo: ValidateInResponseTo.never,
    ...(settings.spPrivateKey ? { privateKey: settings.spPrivateKey, signatureAlgorithm: 'sha256' as const } : {}),
  });
  // RelayState stays with us, bound to the request; nothing for the IdP to echo or tamper with.
  return saml.getAuthorizeUrlAsync('', undefined, {});
}
