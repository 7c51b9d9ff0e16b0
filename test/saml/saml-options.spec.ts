import { createVerify } from 'node:crypto';
import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.js';
import { client, type Client } from '../support/http.js';
import { Browser, expectRefused, sessionCookieOf } from './support/browser.js';
import { fixture, FIXTURES, idpResponse, samlEnv, type ResponseOptions } from './support/test-idp.js';

describe('saml: what the operator can turn on', () => {
  let server: TestServer;
  let api: Client;
  before(async () => {
    server = await startTestServer(
      samlEnv({
        // Two certificates, as during a key rotation at the IdP.
        SAML_IDP_CERT: `${fixture('idp.crt')}${fixture('idp-next.crt')}`,
        SAML_ALLOW_IDP_INITIATED: 'true',
        SAML_LINK_PASSWORD_USERS: 'true',
        SAML_ROLE_ATTRIBUTE: 'groups',
        SAML_ADMIN_VALUES: 'Rune Admins, rune-owners',
        SAML_SP_PRIVATE_KEY: `${FIXTURES}sp.key`,
        SAML_SP_CERT: `${FIXTURES}sp.crt`,
      }),
      { workers: false },
    );
    api = client(server.url);
  });
  after(() => server.close());

  async function signIn(options: ResponseOptions) {
    const browser = new Browser(server.url);
    const { requestId } = await browser.startLogin();
    const reply = await browser.postToAcs((await idpResponse({ inResponseTo: requestId, ...options })).base64);
    expect(reply.status, reply.text).to.equal(302);
    return (await api.get('/auth/session', { cookie: sessionCookieOf(reply) })).body.user;
  }

  describe('SAML_ALLOW_IDP_INITIATED', () => {
    it('accepts an unsolicited response once, going to the RelayState the IdP posts if it is a local path', async () => {
      const response = await idpResponse({ nameId: 'tile@corp.test' });
      const browser = new Browser(server.url);
      const reply = await browser.postToAcs(response.base64, { RelayState: '/apps/reports' });
      expect(reply.status, reply.text).to.equal(302);
      expect(reply.headers.get('location')).to.equal('/apps/reports');
      expectRefused(await browser.postToAcs(response.base64, { RelayState: '/apps/reports' }), 400, 'saml_replay');

      const offSite = await new Browser(server.url).postToAcs(
        (await idpResponse({ nameId: 'tile@corp.test' })).base64,
        { RelayState: '//evil.test/' },
      );
      expect(offSite.headers.get('location')).to.equal('/');
    });

    it('still binds a response that answers a request to the browser that made it', async () => {
      const owner = new Browser(server.url);
      const { requestId } = await owner.startLogin();
      const response = await idpResponse({ inResponseTo: requestId, nameId: 'bound@corp.test' });
      expectRefused(await new Browser(server.url).postToAcs(response.base64), 400, 'saml_request_other_browser');
    });
  });

  describe('SAML_LINK_PASSWORD_USERS', () => {
    it('turns a password user with the same email into an SSO user, for good', async () => {
      const password = await server.runtime.directory.createUser(
        {
          name: 'Lin Link',
          email: 'lin@corp.test',
          role: 'user',
          kind: 'password',
          passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
        },
        { source: 'system' },
      );
      const user = await signIn({ nameId: 'lin@corp.test' });
      expect(user).to.include({ id: password.id, kind: 'sso' });
      expect(await server.runtime.directory.getPasswordHash(password.id)).to.equal(null);
      expect(
        (await api.post('/auth/login', { email: 'lin@corp.test', password: 'whatever it was before' })).body.code,
      ).to.equal('sso_required');
      const audit = (await server.runtime.directory.listAudit({ limit: 50 })).events.filter(
        (e) => e.target === password.id,
      );
      expect(audit.map((e) => `${e.action}/${e.source}`)).to.include.members([
        'user.linked_sso/saml',
        'user.signed_in/saml',
      ]);
    });

    it('still refuses a deactivated password user, without linking them', async () => {
      const password = await server.runtime.directory.createUser(
        {
          name: 'Dee Gone',
          email: 'dee@corp.test',
          role: 'user',
          kind: 'password',
          passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
          status: 'inactive',
        },
        { source: 'system' },
      );
      const browser = new Browser(server.url);
      const { requestId } = await browser.startLogin();
      expectRefused(
        await browser.postToAcs((await idpResponse({ inResponseTo: requestId, nameId: 'dee@corp.test' })).base64),
        403,
        'user_inactive',
      );
      expect(await server.runtime.directory.getUser(password.id)).to.include({ kind: 'password' });
    });
  });

  describe('SAML_ROLE_ATTRIBUTE / SAML_ADMIN_VALUES', () => {
    it('makes a member of an admin group an admin, and a user again once they leave it', async () => {
      await server.runtime.directory.createUser(
        { name: 'Other Admin', email: 'keeper@corp.test', role: 'admin', kind: 'sso' },
        { source: 'system' },
      );
      const admin = await signIn({ nameId: 'ron@corp.test', attributes: { groups: ['Everyone', 'rune admins'] } });
      expect(admin.role).to.equal('admin');
      const demoted = await signIn({ nameId: 'ron@corp.test', attributes: { groups: ['Everyone'] } });
      expect(demoted).to.include({ id: admin.id, role: 'user' });
      const changes = (await server.runtime.directory.listAudit({ limit: 50 })).events.filter(
        (e) => e.target === admin.id && e.action === 'user.role_changed',
      );
      expect(changes.map((e) => e.source)).to.deep.equal(['saml']);
    });

    it('never demotes the last active admin: they still sign in, as an admin', async () => {
      const last = await signIn({ nameId: 'last@corp.test', attributes: { groups: 'rune-owners' } });
      const others = (
        await server.runtime.directory.listUsers({ role: 'admin', status: 'active', limit: 100 })
      ).users.filter((u) => u.id !== last.id);
      for (const other of others) await server.runtime.directory.deactivateUser(other.id, { source: 'system' });
      const still = await signIn({ nameId: 'last@corp.test', attributes: { groups: 'Everyone' } });
      expect(still).to.include({ id: last.id, role: 'admin' });
      expect(server.logs.join('')).to.include('would demote the last active admin');
    });
  });

  describe('SAML_IDP_CERT with two certificates', () => {
    it('accepts responses signed with either key during a rotation', async () => {
      expect((await signIn({ nameId: 'old-key@corp.test', key: 'idp' })).email).to.equal('old-key@corp.test');
      expect((await signIn({ nameId: 'new-key@corp.test', key: 'idp-next', sign: 'response' })).email).to.equal(
        'new-key@corp.test',
      );
    });
  });

  describe('SAML_SP_PRIVATE_KEY / SAML_SP_CERT', () => {
    it('signs the AuthnRequest redirect (RSA-SHA256) and publishes the certificate in the metadata', async () => {
      const { idpUrl } = await new Browser(server.url).startLogin();
      const params = idpUrl.searchParams;
      expect(params.get('SigAlg')).to.equal('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
      const signed = ['SAMLRequest', 'SigAlg'].map((k) => `${k}=${encodeURIComponent(params.get(k)!)}`).join('&');
      expect(
        createVerify('RSA-SHA256').update(signed).verify(fixture('sp.crt'), params.get('Signature')!, 'base64'),
      ).to.equal(true);

      const metadata = (await api.get('/saml/metadata')).text;
      const certBody = fixture('sp.crt').replace(/-----[A-Z ]+-----|\s/g, '');
      expect(metadata).to.include('AuthnRequestsSigned="true"').and.include('use="signing"');
      expect(metadata.replace(/\s/g, '')).to.include(certBody);
    });
  });
});
