import { Readable, Writable } from 'node:stream';
import { expect } from 'chai';
import nock from 'nock';
import { loadConfig, ConfigError } from '../../config/index.js';
import { createLogger } from '../../src/logger.js';
import { parseIdpMetadata, IdpMetadataError } from '../../src/saml/idp-metadata.js';
import { IdpMetadataRefresher } from '../../src/saml/idp-metadata-refresher.js';
import { samlSettings } from '../../src/saml/saml-settings.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { client } from '../support/http.js';
import { Browser, expectRefused } from './support/browser.js';
import {
  idpResponse,
  fixture,
  FIXTURES,
  IDP_ENTITY_ID,
  IDP_SSO_URL,
  PUBLIC_URL,
  type SigningKey,
} from './support/test-idp.js';

// SAML_IDP_METADATA_URL: the IdP's certificates, SSO URL and entity id come from its published
// metadata (served here by nock, as Okta would), and a rollover there needs no restart here.

const IDP_ORIGIN = 'https://idp.corp.test';
const METADATA_PATH = '/app/exk1rune/sso/saml/metadata';
const METADATA_URL = `${IDP_ORIGIN}${METADATA_PATH}`;

const certBase64 = (name: string) =>
  fixture(name)
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '');
const keyDescriptor = (cert: string, use?: string) =>
  `<md:KeyDescriptor${use ? ` use="${use}"` : ''}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\n${certBase64(cert)}\n</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;

/** Okta-shaped IdP metadata: signing certificates, one encryption key, POST and Redirect SSO. */
function metadataXml(options: { signing?: string[]; entityId?: string; ssoUrl?: string } = {}): string {
  const { signing = ['idp.crt'], entityId = IDP_ENTITY_ID, ssoUrl = IDP_SSO_URL } = options;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}">` +
    '<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">' +
    signing.map((cert) => keyDescriptor(cert, 'signing')).join('') +
    // An encryption key is not a signing key: responses it "signs" must be refused.
    keyDescriptor('attacker.crt', 'encryption') +
    '<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>' +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${ssoUrl}"/>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${ssoUrl}"/>` +
    '</md:IDPSSODescriptor></md:EntityDescriptor>'
  );
}

const publishes = (body: string, status = 200) =>
  nock(IDP_ORIGIN).get(METADATA_PATH).reply(status, body, { 'content-type': 'application/xml' });

/** The service's environment: no SAML_IDP_CERT, SAML_IDP_SSO_URL or SAML_IDP_ENTITY_ID, only the URL. */
const metadataEnv = (extra: Record<string, string> = {}) => ({
  PUBLIC_URL,
  SAML_POOL_SIZE: '2',
  SAML_IDP_METADATA_URL: METADATA_URL,
  SAML_IDP_METADATA_TIMEOUT_MS: '300',
  ...extra,
});

interface LogLine {
  level: number | string;
  msg: string;
  url?: string;
  reason?: string;
}
const parsedLogs = (server: TestServer): LogLine[] =>
  server.logs
    .flatMap((chunk) => chunk.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
const metadataWarnings = (server: TestServer) =>
  parsedLogs(server).filter((l) => (l.level === 40 || l.level === 'warn') && /SAML IdP metadata/.test(l.msg));

let people = 0;
/** An SP-initiated login in a fresh browser, answered by whoever holds `key`. */
async function signIn(server: TestServer, key: SigningKey) {
  const browser = new Browser(server.url);
  const { requestId, idpUrl } = await browser.startLogin();
  const response = await idpResponse({ inResponseTo: requestId, key, nameId: `meta${++people}@corp.test` });
  return { idpUrl, reply: await browser.postToAcs(response.base64) };
}

const readyz = async (server: TestServer) => client(server.url).get('/readyz');

describe('saml: IdP metadata by URL', () => {
  before(() => {
    if (!nock.isActive()) nock.activate();
    // Nothing reaches a real IdP; the service under test is on loopback.
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  });
  afterEach(() => nock.cleanAll());
  after(() => {
    nock.enableNetConnect();
    nock.restore();
  });

  describe('with the metadata fetched at start', () => {
    let server: TestServer;
    before(async () => {
      publishes(metadataXml());
      server = await startTestServer(metadataEnv(), { workers: false });
    });
    after(() => server.close());

    it('signs in over SP-initiated login with the SSO URL, entity id and signing certificate of the metadata', async () => {
      const { idpUrl, reply } = await signIn(server, 'idp');
      expect(`${idpUrl.origin}${idpUrl.pathname}`).to.equal(IDP_SSO_URL);
      expect(reply.status, reply.text).to.equal(302);
      expectRefused((await signIn(server, 'attacker')).reply, 400, 'saml_signature_invalid');
      const ready = await readyz(server);
      expect(ready.status).to.equal(200);
      expect(ready.body.details.saml.metadata).to.deep.include({ url: METADATA_URL, lastError: null, certificates: 1 });
      expect(Date.parse(ready.body.details.saml.metadata.lastSuccessAt)).to.be.closeTo(Date.now(), 60_000);
    });

    it('follows a certificate rollover with no restart: the next key once published, the old one refused once gone', async () => {
      expectRefused((await signIn(server, 'idp-next')).reply, 400, 'saml_signature_invalid');

      publishes(metadataXml({ signing: ['idp.crt', 'idp-next.crt'] }));
      expect(await server.runtime.samlIdp!.refresh()).to.equal(true);
      expect((await signIn(server, 'idp-next')).reply.status).to.equal(302);
      expect((await signIn(server, 'idp')).reply.status, 'both, during the rollover').to.equal(302);
      expect((await readyz(server)).body.details.saml.metadata.certificates).to.equal(2);

      publishes(metadataXml({ signing: ['idp-next.crt'] }));
      expect(await server.runtime.samlIdp!.refresh()).to.equal(true);
      expect((await signIn(server, 'idp-next')).reply.status).to.equal(302);
      expectRefused((await signIn(server, 'idp')).reply, 400, 'saml_signature_invalid');
    });

    /** The IdP publishes its usual document again, and we take it. */
    async function goodCopy() {
      publishes(metadataXml());
      expect(await server.runtime.samlIdp!.refresh()).to.equal(true);
      return (await readyz(server)).body.details.saml.metadata;
    }

    for (const [what, status, body, reason] of [
      ['a document that is not XML', 200, '<html><body>Sign in to Okta</body>', /not well-formed XML/],
      ['a document without a signing certificate', 200, metadataXml({ signing: [] }), /no signing certificate/],
      [
        'a document with a DOCTYPE',
        200,
        `<!DOCTYPE md [<!ENTITY x "y">]>${metadataXml({ signing: ['attacker.crt'] })}`,
        /DOCTYPE/,
      ],
      ['an error page', 503, 'Service Unavailable', /HTTP 503/],
    ] as const) {
      it(`keeps the last good copy on ${what}, logs one warning and shows the error in /readyz`, async () => {
        const before = await goodCopy();
        const warnings = metadataWarnings(server).length;
        publishes(body, status);

        expect(await server.runtime.samlIdp!.refresh()).to.equal(false);
        const logged = metadataWarnings(server).slice(warnings);
        expect(logged).to.have.length(1);
        expect(logged[0]).to.include({ url: METADATA_URL }).and.have.property('reason').that.matches(reason);
        const ready = await readyz(server);
        expect(ready.status, 'a last good copy keeps the service ready').to.equal(200);
        expect(ready.body.details.saml.metadata).to.include({
          lastSuccessAt: before.lastSuccessAt,
          certificates: before.certificates,
        });
        expect(ready.body.details.saml.metadata.lastError).to.match(reason);
        expect((await signIn(server, 'idp')).reply.status).to.equal(302);
        expectRefused((await signIn(server, 'attacker')).reply, 400, 'saml_signature_invalid');
      });
    }

    it('keeps the last good copy when the IdP does not answer within the timeout', async () => {
      const { lastSuccessAt } = await goodCopy();
      const warnings = metadataWarnings(server).length;
      nock(IDP_ORIGIN)
        .get(METADATA_PATH)
        .delay(2_000)
        .reply(200, metadataXml({ signing: ['attacker.crt'] }));
      const started = Date.now();
      expect(await server.runtime.samlIdp!.refresh()).to.equal(false);
      expect(Date.now() - started).to.be.below(1_500);
      expect(
        metadataWarnings(server)
          .slice(warnings)
          .map((l) => l.reason),
      ).to.deep.equal(['no complete answer within 0.3 s']);
      const ready = await readyz(server);
      expect(ready.body.details.saml.metadata).to.include({
        lastSuccessAt,
        lastError: 'no complete answer within 0.3 s',
      });
      expect((await signIn(server, 'idp')).reply.status).to.equal(302);
      expect((await goodCopy()).lastError, 'cleared by the next good fetch').to.equal(null);
    });
  });

  describe('when the first fetch fails', () => {
    let server: TestServer;
    before(async () => {
      publishes('upstream connect error', 502);
      server = await startTestServer(metadataEnv(), { workers: false });
    });
    after(() => server.close());

    it('comes up, says why in /readyz, and answers SAML sign-in with 503 saml_metadata_unavailable until a fetch succeeds', async () => {
      const api = client(server.url);
      const ready = await readyz(server);
      expect(ready.status, 'password sign-in and SCIM still work').to.equal(200);
      expect(ready.body.details.saml.metadata).to.deep.equal({
        url: METADATA_URL,
        lastSuccessAt: null,
        lastError: 'the server answered HTTP 502',
        certificates: 0,
      });
      for (const reply of [
        await api.get('/saml/login'),
        await new Browser(server.url).postToAcs((await idpResponse()).base64),
      ]) {
        expect(reply.status).to.equal(503);
        expect(reply.body.code).to.equal('saml_metadata_unavailable');
        expect(reply.headers.get('retry-after')).to.equal('60');
      }
      expect((await api.get('/saml/metadata')).status, 'our own SP metadata needs nothing from the IdP').to.equal(200);

      publishes(metadataXml());
      expect(await server.runtime.samlIdp!.refresh()).to.equal(true);
      expect((await signIn(server, 'idp')).reply.status).to.equal(302);
    });
  });

  describe('the refresher', () => {
    it('fetches again at its interval by itself, and not once closed', async () => {
      const lines: string[] = [];
      const logger = createLogger(
        'info',
        new Writable({
          write(chunk, _e, done) {
            lines.push(String(chunk));
            done();
          },
        }),
      );
      const fetches = nock(IDP_ORIGIN)
        .get(METADATA_PATH)
        .times(3)
        .reply(200, () => metadataXml());
      const refresher = new IdpMetadataRefresher({ url: METADATA_URL, refreshSeconds: 0.1, timeoutMs: 1_000, logger });
      expect(await refresher.firstAttempt).to.equal(true);
      for (let waited = 0; !fetches.isDone() && waited < 5_000; waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fetches.isDone(), 'two refreshes after the first fetch').to.equal(true);
      await refresher.close();
      expect(
        lines.filter((l) => l.includes('SAML IdP metadata')),
        'an unchanged document is not logged again',
      ).to.have.length(1);

      const afterClose = nock(IDP_ORIGIN)
        .get(METADATA_PATH)
        .reply(200, () => metadataXml());
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(afterClose.isDone(), 'no fetch once closed').to.equal(false);
      expect(refresher.status()).to.include({ lastError: null, certificates: 1 });
    });

    const oversized = `${metadataXml()}<!--${'x'.repeat(1024 * 1024)}-->`;
    for (const [how, reply, headers] of [
      ['declared by Content-Length', () => oversized, { 'content-length': String(Buffer.byteLength(oversized)) }],
      // Chunked, with no length: counted while it streams, and cut off at the cap.
      [
        'streamed without a length',
        () =>
          Readable.from(
            (function* () {
              for (let i = 0; i < 4096; i++) yield Buffer.alloc(1024, 'x');
            })(),
          ),
        {},
      ],
    ] as const) {
      it(`refuses a document larger than 1 MiB, ${how}`, async () => {
        nock(IDP_ORIGIN).get(METADATA_PATH).reply(200, reply, headers);
        const refresher = new IdpMetadataRefresher({
          url: METADATA_URL,
          refreshSeconds: 3600,
          timeoutMs: 2_000,
          logger: createLogger('silent'),
        });
        expect(await refresher.firstAttempt).to.equal(false);
        expect(refresher.status().lastError).to.equal('the document is larger than 1024 KiB');
        await refresher.close();
      });
    }
  });

  describe('reading metadata', () => {
    it('reads an Entra-shaped document: default namespace, a signature, WS-Federation roles whose keys are not taken', () => {
      const xml =
        '<?xml version="1.0" encoding="utf-8"?>' +
        '<EntityDescriptor ID="_e1" entityID="https://sts.windows.net/tenant-id/" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">' +
        '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/></Signature>' +
        '<RoleDescriptor xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706" xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706">' +
        `<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${certBase64('attacker.crt')}</X509Certificate></X509Data></KeyInfo></KeyDescriptor></RoleDescriptor>` +
        '<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">' +
        `<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${certBase64('idp.crt')}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>` +
        `<KeyDescriptor><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${certBase64('idp-next.crt')}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>` +
        '<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/tenant-id/saml2"/>' +
        '<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://login.microsoftonline.com/tenant-id/saml2/post"/>' +
        '</IDPSSODescriptor></EntityDescriptor>';
      const parsed = parseIdpMetadata(xml);
      expect(parsed).to.deep.include({
        entityId: 'https://sts.windows.net/tenant-id/',
        ssoUrl: 'https://login.microsoftonline.com/tenant-id/saml2',
      });
      expect(parsed.certs).to.deep.equal([fixture('idp.crt'), fixture('idp-next.crt')].map((pem) => pem.trim() + '\n'));
    });

    for (const [what, xml, reason] of [
      ['no entity id', metadataXml({ entityId: '' }), /no entityID/],
      [
        'no redirect SSO URL',
        metadataXml().replace(/<md:SingleSignOnService Binding="[^"]+HTTP-Redirect"[^>]+>/, ''),
        /HTTP-Redirect/,
      ],
      [
        'a broken certificate',
        metadataXml().replace(certBase64('idp.crt'), 'bm90IGEgY2VydA=='),
        /certificate #1 is not a valid X\.509/,
      ],
      ['an SP descriptor only', metadataXml().replace(/IDPSSODescriptor/g, 'SPSSODescriptor'), /no IDPSSODescriptor/],
    ] as const) {
      it(`refuses metadata with ${what}`, () => {
        expect(() => parseIdpMetadata(xml)).to.throw(IdpMetadataError, reason);
      });
    }
  });

  describe('configuration', () => {
    it('refuses an http URL to a host other than localhost, naming SAML_IDP_METADATA_URL', () => {
      expect(() => loadConfig(metadataEnv({ SAML_IDP_METADATA_URL: 'http://idp.corp.test/metadata' }))).to.throw(
        ConfigError,
        /^SAML_IDP_METADATA_URL: must be an https:\/\/ URL/,
      );
      expect(() => loadConfig(metadataEnv({ SAML_IDP_METADATA_URL: 'ftp://idp.corp.test/metadata' }))).to.throw(
        ConfigError,
        /SAML_IDP_METADATA_URL/,
      );
      expect(
        loadConfig(metadataEnv({ SAML_IDP_METADATA_URL: 'http://127.0.0.1:8080/metadata' })).saml.idpMetadata,
      ).to.deep.equal({ url: 'http://127.0.0.1:8080/metadata', refreshSeconds: 3600, timeoutMs: 300 });
    });

    it('makes SAML_IDP_* optional, lets one set by hand win over the metadata, and refuses all three beside the URL', () => {
      const config = loadConfig(metadataEnv({ SAML_IDP_SSO_URL: 'https://sso.corp.test/start' }));
      const settings = samlSettings(config, parseIdpMetadata(metadataXml()))!;
      expect(settings).to.include({ idpSsoUrl: 'https://sso.corp.test/start', idpEntityId: IDP_ENTITY_ID });
      expect(settings.idpCerts).to.have.length(1);
      expect(samlSettings(config), 'nothing to trust before the metadata arrives').to.equal(undefined);
      expect(() =>
        loadConfig(
          metadataEnv({
            SAML_IDP_CERT: `${FIXTURES}idp.crt`,
            SAML_IDP_SSO_URL: IDP_SSO_URL,
            SAML_IDP_ENTITY_ID: IDP_ENTITY_ID,
          }),
        ),
      ).to.throw(ConfigError, /^SAML_IDP_METADATA_URL: would supply nothing/);
      expect(() => loadConfig(metadataEnv({ SAML_IDP_METADATA_REFRESH_SECONDS: '5' }))).to.throw(
        ConfigError,
        /SAML_IDP_METADATA_REFRESH_SECONDS/,
      );
    });
  });
});
