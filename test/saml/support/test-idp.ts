import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import samlify from 'samlify';

// A real IdP in-process: samlify in IdP mode renders and signs login responses with the test
// keys under test/static/saml (self-signed, test-only). Every field a test may want to get
// wrong is an option; the defaults make a response our SP must accept.

// samlify validates the XML it parses against the SAML schema; as an IdP it only signs, so a
// no-op validator is enough here (and only here: the SP under test uses node-saml).
samlify.setSchemaValidator({ validate: async () => 'skipped' });

export const FIXTURES = fileURLToPath(new URL('../../static/saml/', import.meta.url));
export const fixture = (name: string) => readFileSync(`${FIXTURES}${name}`, 'utf8');

export const PUBLIC_URL = 'https://id.corp.test';
export const SP_ENTITY_ID = `${PUBLIC_URL}/saml/metadata`;
export const ACS_URL = `${PUBLIC_URL}/saml/acs`;
export const IDP_ENTITY_ID = 'https://idp.corp.test/saml2';
export const IDP_SSO_URL = 'https://idp.corp.test/sso';

export const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
export const PERSISTENT_FORMAT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
export const TRANSIENT_FORMAT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';

/** The environment of a service that trusts this IdP (its first key only, unless told). */
export const samlEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  PUBLIC_URL,
  SAML_IDP_CERT: `${FIXTURES}idp.crt`,
  SAML_IDP_SSO_URL: IDP_SSO_URL,
  SAML_IDP_ENTITY_ID: IDP_ENTITY_ID,
  SAML_POOL_SIZE: '2',
  ...extra,
});

export type SigningKey = 'idp' | 'idp-next' | 'attacker';
export type Signed = 'assertion' | 'response' | 'both';

export interface ResponseOptions {
  /** The AuthnRequest answered; omitted for an IdP-initiated (unsolicited) response. */
  inResponseTo?: string;
  nameId?: string;
  nameIdFormat?: string;
  attributes?: Record<string, string | string[]>;
  sign?: Signed;
  key?: SigningKey;
  audience?: string;
  recipient?: string;
  destination?: string | null;
  /** The Issuer of the Response (null: none) and of the Assertion. */
  responseIssuer?: string | null;
  assertionIssuer?: string;
  notBefore?: Date;
  notOnOrAfter?: Date;
  status?: string;
  assertionId?: string;
  /** The IdP's clock, for two renderings of one assertion (its times derive from it). */
  now?: number;
}

export interface BuiltResponse {
  /** What the browser posts as SAMLResponse. */
  base64: string;
  xml: string;
  assertionId: string;
}

const TEMPLATE =
  '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{ID}" Version="2.0" IssueInstant="{IssueInstant}" Destination="{Destination}" InResponseTo="{InResponseTo}">' +
  '<saml:Issuer>{ResponseIssuer}</saml:Issuer>' +
  '<samlp:Status><samlp:StatusCode Value="{StatusCode}"/></samlp:Status>' +
  '<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="{AssertionID}" Version="2.0" IssueInstant="{IssueInstant}">' +
  '<saml:Issuer>{AssertionIssuer}</saml:Issuer>' +
  '<saml:Subject><saml:NameID Format="{NameIDFormat}">{NameID}</saml:NameID>' +
  '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{NotOnOrAfter}" Recipient="{Recipient}" InResponseTo="{InResponseTo}"/></saml:SubjectConfirmation></saml:Subject>' +
  '<saml:Conditions NotBefore="{NotBefore}" NotOnOrAfter="{NotOnOrAfter}"><saml:AudienceRestriction><saml:Audience>{Audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>' +
  '<saml:AuthnStatement AuthnInstant="{IssueInstant}" SessionIndex="{AssertionID}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>' +
  '__ATTRIBUTES__</saml:Assertion></samlp:Response>';

const escapeXml = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function attributeStatement(attributes: Record<string, string | string[]>): string {
  const entries = Object.entries(attributes);
  if (entries.length === 0) return '';
  const rendered = entries.map(([name, value]) => {
    const values = (Array.isArray(value) ? value : [value])
      .map((v) => `<saml:AttributeValue xsi:type="xs:string">${escapeXml(v)}</saml:AttributeValue>`)
      .join('');
    return `<saml:Attribute Name="${escapeXml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${values}</saml:Attribute>`;
  });
  return `<saml:AttributeStatement>${rendered.join('')}</saml:AttributeStatement>`;
}

const identityProviders = new Map<SigningKey, ReturnType<typeof samlify.IdentityProvider>>();
function identityProvider(key: SigningKey) {
  let idp = identityProviders.get(key);
  if (!idp) {
    idp = samlify.IdentityProvider({
      entityID: IDP_ENTITY_ID,
      privateKey: fixture(`${key}.key`),
      signingCert: fixture(`${key}.crt`),
      singleSignOnService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: IDP_SSO_URL }],
      singleLogoutService: [
        { Binding: samlify.Constants.namespace.binding.redirect, Location: `${IDP_SSO_URL}/logout` },
      ],
    });
    identityProviders.set(key, idp);
  }
  return idp;
}

// samlify signs what the SP's metadata asks for: the assertion, the whole message, or both.
const serviceProviders = new Map<Signed, ReturnType<typeof samlify.ServiceProvider>>();
function serviceProvider(sign: Signed) {
  let sp = serviceProviders.get(sign);
  if (!sp) {
    sp = samlify.ServiceProvider({
      entityID: SP_ENTITY_ID,
      wantAssertionsSigned: sign !== 'response',
      wantMessageSigned: sign !== 'assertion',
      assertionConsumerService: [{ Binding: samlify.Constants.namespace.binding.post, Location: ACS_URL }],
    });
    serviceProviders.set(sign, sp);
  }
  return sp;
}

/** A signed login response, as the configured IdP (or whoever holds `key`) would send it. */
export async function idpResponse(options: ResponseOptions = {}): Promise<BuiltResponse> {
  const now = options.now ?? Date.now();
  const assertionId = options.assertionId ?? `_a${randomUUID()}`;
  const values = {
    ID: `_r${randomUUID()}`,
    AssertionID: assertionId,
    IssueInstant: new Date(now).toISOString(),
    Destination: options.destination === undefined ? ACS_URL : options.destination,
    InResponseTo: options.inResponseTo ?? null,
    ResponseIssuer: options.responseIssuer === undefined ? IDP_ENTITY_ID : options.responseIssuer,
    AssertionIssuer: options.assertionIssuer ?? IDP_ENTITY_ID,
    StatusCode: options.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success',
    NameIDFormat: options.nameIdFormat ?? EMAIL_FORMAT,
    NameID: options.nameId ?? 'someone@corp.test',
    Recipient: options.recipient ?? ACS_URL,
    Audience: options.audience ?? SP_ENTITY_ID,
    NotBefore: (options.notBefore ?? new Date(now - 5_000)).toISOString(),
    NotOnOrAfter: (options.notOnOrAfter ?? new Date(now + 5 * 60_000)).toISOString(),
  };
  const rendered = samlify.SamlLib.replaceTagsByValue(TEMPLATE, values).replace(
    '__ATTRIBUTES__',
    attributeStatement(options.attributes ?? {}),
  );
  const built = await identityProvider(options.key ?? 'idp').createLoginResponse(
    serviceProvider(options.sign ?? 'assertion'),
    { extract: {} },
    'post',
    {},
    { customTagReplacement: () => ({ id: values.ID, context: rendered }) },
  );
  const xml = Buffer.from(built.context, 'base64').toString('utf8');
  return { base64: built.context, xml, assertionId };
}

export const toBase64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
