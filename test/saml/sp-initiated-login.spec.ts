import { inflateRawSync } from 'node:zlib';
import { expect } from 'chai';
import { Browser, expectRefused, sessionCookieOf } from './support/browser.js';
import {
  idpResponse,
  ACS_URL,
  IDP_SSO_URL,
  PERSISTENT_FORMAT,
  SP_ENTITY_ID,
  TRANSIENT_FORMAT,
  type ResponseOptions,
} from './support/test-idp.js';
import { samlServer } from './support/saml-server.js';

describe('saml: SP-initiated sign-in and just-in-time users', () => {
  const saml = samlServer();

  /** GET /saml/login in a fresh browser, the IdP answers, the browser posts the answer. */
  async function signIn(options: ResponseOptions, relayState?: string) {
    const browser = new Browser(saml.server.url);
    const { requestId } = await browser.startLogin(relayState);
    const response = await idpResponse({ inResponseTo: requestId, ...options });
    return { browser, reply: await browser.postToAcs(response.base64) };
  }

  it('sends the browser to the IdP with a deflated AuthnRequest, bound to it by a SameSite=None cookie', async () => {
    const browser = new Browser(saml.server.url);
    const started = await browser.startLogin('/reports');
    expect(`${started.idpUrl.origin}${started.idpUrl.pathname}`).to.equal(IDP_SSO_URL);
    expect(started.requestId).to.match(/^_[0-9a-f]{40}$/);
    expect(started.authnRequest)
      .to.include(`AssertionConsumerServiceURL="${ACS_URL}"`)
      .and.include(`>${SP_ENTITY_ID}</saml:Issuer>`);
    expect(started.idpUrl.searchParams.has('Signature'), 'unsigned without an SP key').to.equal(false);
    const cookie = started.loginCookie;
    expect(cookie).to.match(/^rune_saml_login=[\w-]{43};/);
    expect(cookie)
      .to.match(/Max-Age=600/)
      .and.match(/Path=\/saml/)
      .and.match(/HttpOnly/)
      .and.match(/Secure/)
      .and.match(/SameSite=None/);
    expect(
      await saml.server.runtime.redis.ttl(`{${saml.server.config.redis.prefix}}:saml:req:${started.requestId}`),
    ).to.be.within(590, 600);
  });

  it('serves SP metadata naming the entity id and the ACS', async () => {
    const reply = await saml.api.get('/saml/metadata');
    expect(reply.status).to.equal(200);
    expect(reply.headers.get('content-type')).to.match(/^application\/xml/);
    expect(reply.text)
      .to.include(`entityID="${SP_ENTITY_ID}"`)
      .and.include(`Location="${ACS_URL}"`)
      .and.include('urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST')
      .and.include('AuthnRequestsSigned="false"');
  });

  it('creates an SSO user at the first login, opens a normal session and returns to the RelayState', async () => {
    const before = Date.now();
    const { reply } = await signIn(
      { nameId: 'Ada.Lovelace@Corp.test', attributes: { displayName: 'Ada Lovelace' } },
      '/reports?tab=2',
    );
    expect(reply.status, reply.text).to.equal(302);
    expect(reply.headers.get('location')).to.equal('/reports?tab=2');
    const cookie = sessionCookieOf(reply)!;
    expect(reply.headers.getSetCookie().find((c) => c.startsWith('rune_session=')))
      .to.include('HttpOnly')
      .and.include('SameSite=Lax');

    const session = await saml.api.get('/auth/session', { cookie });
    expect(session.status).to.equal(200);
    expect(session.body.user).to.include({
      email: 'ada.lovelace@corp.test',
      name: 'Ada Lovelace',
      kind: 'sso',
      role: 'user',
      status: 'active',
    });
    expect(Date.parse(session.body.user.lastLoginAt)).to.be.at.least(before - 1000);
    expect(session.body.session.scope).to.equal('full');

    const user = (await saml.server.runtime.directory.findUserByNameId('Ada.Lovelace@Corp.test'))!;
    const audit = (await saml.server.runtime.directory.listAudit({ limit: 20 })).events.filter(
      (e) => e.target === user.id,
    );
    expect(audit.map((e) => [e.action, e.source])).to.deep.include.members([
      ['user.created', 'saml'],
      ['user.signed_in', 'saml'],
    ]);
    expect(audit.find((e) => e.action === 'user.signed_in')!.details).to.include({ method: 'saml' });
  });

  it('signs the same person in again as the same user, found by NameID', async () => {
    const first = await signIn({ nameId: 'grace@corp.test' });
    const count = await saml.server.runtime.directory.countUsers();
    const second = await signIn({ nameId: 'grace@corp.test', attributes: { displayName: 'Renamed At The IdP' } });
    expect(second.reply.status).to.equal(302);
    expect(await saml.server.runtime.directory.countUsers()).to.equal(count);
    const a = await saml.api.get('/auth/session', { cookie: sessionCookieOf(first.reply) });
    const b = await saml.api.get('/auth/session', { cookie: sessionCookieOf(second.reply) });
    expect(b.body.user.id).to.equal(a.body.user.id);
    expect(b.body.user.activeSessions).to.equal(2);
  });

  it('refuses a deactivated user with 403 user_inactive, and their sessions end', async () => {
    const { reply } = await signIn({ nameId: 'ivy@corp.test' });
    const user = (await saml.server.runtime.directory.findUserByEmail('ivy@corp.test'))!;
    await saml.server.runtime.directory.deactivateUser(user.id, { source: 'system' });
    expect((await saml.api.get('/auth/session', { cookie: sessionCookieOf(reply) })).status).to.equal(403);
    expectRefused((await signIn({ nameId: 'ivy@corp.test' })).reply, 403, 'user_inactive');
  });

  it('keeps SSO users out of password sign-in', async () => {
    await signIn({ nameId: 'sam@corp.test' });
    const reply = await saml.api.post('/auth/login', { email: 'sam@corp.test', password: 'any password at all' });
    expect(reply.status).to.equal(401);
    expect(reply.body.code).to.equal('sso_required');
  });

  it('signs in an SSO user created over SCIM, found by email, and links their NameID', async () => {
    const scim = await saml.server.runtime.directory.createUser(
      { name: 'Sid Scim', email: 'sid@corp.test', role: 'user', kind: 'sso' },
      { source: 'scim' },
    );
    const { reply } = await signIn({
      nameId: '00u1abcd',
      nameIdFormat: PERSISTENT_FORMAT,
      attributes: { email: 'SID@corp.test' },
    });
    expect(reply.status, reply.text).to.equal(302);
    expect((await saml.api.get('/auth/session', { cookie: sessionCookieOf(reply) })).body.user.id).to.equal(scim.id);
    expect((await saml.server.runtime.directory.findUserByNameId('00u1abcd'))?.id).to.equal(scim.id);
  });

  it('refuses a password account with the same email (409 account_exists), leaving it as it was', async () => {
    const password = await saml.server.runtime.directory.createUser(
      {
        name: 'Pat Password',
        email: 'pat@corp.test',
        role: 'user',
        kind: 'password',
        passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
      },
      { source: 'system' },
    );
    expectRefused((await signIn({ nameId: 'pat@corp.test' })).reply, 409, 'account_exists');
    expect(await saml.server.runtime.directory.getUser(password.id)).to.include({ kind: 'password' });
    expect(await saml.server.runtime.directory.findUserByNameId('pat@corp.test')).to.equal(null);
  });

  it('takes the email from the mail attribute and the name from firstName + lastName, else the email', async () => {
    const named = await signIn({
      nameId: 'opaque-1',
      nameIdFormat: PERSISTENT_FORMAT,
      attributes: { mail: 'Kim.Lee@Corp.test', firstName: 'Kim', lastName: 'Lee' },
    });
    expect((await saml.api.get('/auth/session', { cookie: sessionCookieOf(named.reply) })).body.user).to.include({
      email: 'kim.lee@corp.test',
      name: 'Kim Lee',
    });
    const bare = await signIn({ nameId: 'jo@corp.test' });
    expect((await saml.api.get('/auth/session', { cookie: sessionCookieOf(bare.reply) })).body.user.name).to.equal(
      'jo@corp.test',
    );
    const long = await signIn({
      nameId: 'max@corp.test',
      attributes: { displayName: 'Maximilian Alexander Theodor von Habsburg-Lothringen' },
    });
    expect((await saml.api.get('/auth/session', { cookie: sessionCookieOf(long.reply) })).body.user.name).to.equal(
      'Maximilian Alexander Theodor von Habsbur',
    );
  });

  it('refuses an assertion with no email to create the user from', async () => {
    const count = await saml.server.runtime.directory.countUsers();
    expectRefused(
      (await signIn({ nameId: 'opaque-2', nameIdFormat: PERSISTENT_FORMAT })).reply,
      400,
      'saml_email_missing',
    );
    expectRefused(
      (await signIn({ nameId: 'x1', nameIdFormat: TRANSIENT_FORMAT, attributes: { email: 't@corp.test' } })).reply,
      400,
      'saml_nameid_unsupported',
    );
    expect(await saml.server.runtime.directory.countUsers()).to.equal(count);
  });

  it('accepts a response signed as a whole, or signed twice', async () => {
    for (const sign of ['response', 'both'] as const) {
      const { reply } = await signIn({ nameId: `signed-${sign}@corp.test`, sign });
      expect(reply.status, reply.text).to.equal(302);
    }
  });

  it('keeps the AuthnRequest readable: deflated, with no NameID format imposed', async () => {
    const browser = new Browser(saml.server.url);
    const { idpUrl } = await browser.startLogin();
    const xml = inflateRawSync(Buffer.from(idpUrl.searchParams.get('SAMLRequest')!, 'base64')).toString();
    expect(xml)
      .to.match(/<samlp:NameIDPolicy[^>]*AllowCreate="true"/)
      .and.not.match(/NameIDPolicy[^>]*Format=/);
    expect(xml).not.to.include('RequestedAuthnContext');
  });
});
