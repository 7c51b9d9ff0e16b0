import { generateServiceProviderMetadata } from '@node-saml/node-saml';
import type { SpSettings } from './saml-settings.js';

// SP metadata for the IdP: entity id, ACS (HTTP-POST), the NameID format we suggest, and the
// signing certificate when AuthnRequests are signed.

const EMAIL_ADDRESS = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

export function spMetadataXml(settings: SpSettings): string {
  return generateServiceProviderMetadata({
    issuer: settings.spEntityId,
    callbackUrl: settings.acsUrl,
    identifierFormat: EMAIL_ADDRESS,
    wantAssertionsSigned: true,
    ...(settings.spPrivateKey && settings.spCert
      ? { privateKey: settings.spPrivateKey, publicCerts: settings.spCert, signatureAlgorithm: 'sha256' as const }
      : {}),
  });
}
