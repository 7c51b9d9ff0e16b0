import { fitName } from '../directory/index.js';
import { canonicalEmail } from '../directory/normalize.js';
import type { VerifiedAssertion } from './signed-assertion.js';

// Who a verified assertion says the person is, in the directory's terms. Attribute names vary by
// IdP: the short names Okta is usually set up with, and the OIDs and claim URIs of Entra ID and
// Shibboleth-style IdPs.

const EMAIL_ADDRESS_FORMATS = new Set([
  'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:emailAddress',
]);
export const TRANSIENT_FORMAT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';

const ATTRIBUTE_NAMES = {
  email: [
    'email',
    'mail',
    'urn:oid:0.9.2342.19200300.100.1.3',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  ],
  displayName: [
    'displayName',
    'urn:oid:2.16.840.1.113730.3.1.241',
    'http://schemas.microsoft.com/identity/claims/displayname',
  ],
  firstName: [
    'firstName',
    'givenName',
    'urn:oid:2.5.4.42',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  ],
  lastName: [
    'lastName',
    'sn',
    'surname',
    'urn:oid:2.5.4.4',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  ],
} as const;

export interface SamlIdentity {
  nameId: string;
  /** Lower-cased; undefined when the assertion carries none. */
  email?: string;
  /** 3–40 characters, for a user created at first login. */
  name?: string;
  /** Undefined when no role mapping is configured: the role is then left as it is. */
  admin?: boolean;
}

export interface RoleMapping {
  roleAttribute?: string;
  adminValues: readonly string[];
}

export function samlIdentity(assertion: VerifiedAssertion, mapping: RoleMapping): SamlIdentity {
  const first = (names: readonly string[]) => names.map((n) => assertion.attributes.get(n)?.[0]).find(Boolean);
  const fromNameId =
    assertion.nameIdFormat && EMAIL_ADDRESS_FORMATS.has(assertion.nameIdFormat) ? assertion.nameId : undefined;
  const found = fromNameId ?? first(ATTRIBUTE_NAMES.email);
  const email = (found === undefined ? '' : canonicalEmail(found)) || undefined;
  // Control characters would make the directory refuse the whole user over a display name.
  const printable = (value: string | undefined) => value?.replace(/\p{Cc}/gu, ' ');
  const fullName = [first(ATTRIBUTE_NAMES.firstName), first(ATTRIBUTE_NAMES.lastName)].filter(Boolean).join(' ');
  const localPart = email?.split('@')[0];
  const name = fitName(printable(first(ATTRIBUTE_NAMES.displayName)), printable(fullName), localPart, email);
  return { nameId: assertion.nameId, email, name, admin: isAdmin(assertion, mapping) };
}

// Group names are compared without regard to case; Entra sends group object ids (GUIDs).
function isAdmin(assertion: VerifiedAssertion, { roleAttribute, adminValues }: RoleMapping): boolean | undefined {
  if (!roleAttribute) return undefined;
  const admins = new Set(adminValues.map((v) => v.toLowerCase()));
  return (assertion.attributes.get(roleAttribute) ?? []).some((v) => admins.has(v.trim().toLowerCase()));
}
