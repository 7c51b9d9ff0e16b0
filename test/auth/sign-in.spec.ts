import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.js';
import { client } from '../support/http.js';
import { ADMIN_PASSWORD, onboardUser, serverWithAdmin } from '../support/journeys.js';

const PASSWORD = 'plum orchard lantern 77';

describe('auth: sign-in and sessions', () => {
  const t = serverWithAdmin();

  // That an unknown email costs an argon2 verification too (the same time) is a same-run ratio:
  // `npm run bench` judges it, where a loaded test machine cannot make it flake.
  it('answers an unknown email and a wrong password alike', async () => {
    await onboardUser(t.api, t.admin.token, { name: 'Wendy Wrong', email: 'wendy@corp.test' }, PASSWORD);
    const attempt = (email: string) =>
      t.api.post(
        '/auth/login',
        { email, password: 'not the password at all' },
        { headers: { 'x-forwarded-for': `198.51.100.${email.length}` } },
      );
    const wrong = await attempt('wendy@corp.test');
    const unknown = await attempt('nobody-here@corp.test');
    for (const reply of [wrong, unknown]) {
      expect(reply.status).to.equal(401);
      expect(reply.body.code).to.equal('invalid_credentials');
    }
    expect(unknown.body.detail).to.equal(wrong.body.detail);
  });

  it('signs in with the email spelt in another Unicode form (NFD) than the one it was created with (NFC)', async () => {
    const nfc = 'ren\u00e9e@corp.test';
    await onboardUser(t.api, t.admin.token, { name: 'Renee Unicode', email: nfc }, PASSWORD);
    const nfd = nfc.normalize('NFD');
    expect(nfd).to.not.equal(nfc);
    const login = await t.api.post('/auth/login', { email: ` ${nfd.toUpperCase()} `, password: PASSWORD });
    expect(login.status, JSON.stringify(login.body)).to.equal(200);
    expect((await t.api.get('/auth/session', { token: login.body.token })).body.user.email).to.equal(nfc);
  });

  it('tells an SSO user to use the identity provider', async () => {
    await t.server.runtime.directory.createUser(
      { name: 'Sam Sso', email: 'sam@corp.test', role: 'user', kind: 'sso' },
      { source: 'system' },
    );
    const reply = await t.api.post('/auth/login', { email: 'sam@corp.test', password: 'anything at all here' });
    expect(reply.status).to.equal(401);
    expect(reply.body.code).to.equal('sso_required');
    expect(reply.body.detail).to.match(/identity provider/);
  });

  it('refuses an inactive user only after the password verified; their open sessions stop at once', async () => {
    const user = await onboardUser(t.api, t.admin.token, { name: 'Ivy Inactive', email: 'ivy@corp.test' }, PASSWORD);
    const open = await t.api.post('/auth/login', { email: 'ivy@corp.test', password: PASSWORD });
    await t.server.runtime.directory.deactivateUser(user.id, { actorId: t.admin.id, source: 'admin-api' });
    const stale = await t.api.get('/auth/session', { token: open.body.token });
    expect(stale.status).to.equal(403);
    expect(stale.body.code).to.equal('user_inactive');
    expect(
      (await t.api.post('/auth/login', { email: 'ivy@corp.test', password: 'wrong password here' })).body.code,
    ).to.equal('invalid_credentials');
    const right = await t.api.post('/auth/login', { email: 'ivy@corp.test', password: PASSWORD });
    expect(right.status).to.equal(403);
    expect(right.body.code).to.equal('user_inactive');
    // Reactivated, they sign in with the password they had.
    await t.server.runtime.directory.activateUser(user.id, { actorId: t.admin.id, source: 'admin-api' });
    expect((await t.api.post('/auth/login', { email: 'ivy@corp.test', password: PASSWORD })).status).to.equal(200);
  });

  it('applies a role change on the very next request', async () => {
    const user = await onboardUser(t.api, t.admin.token, { name: 'Pat Promoted', email: 'pat@corp.test' }, PASSWORD);
    const login = await t.api.post('/auth/login', { email: 'pat@corp.test', password: PASSWORD });
    expect((await t.api.get('/api/v1/users', { token: login.body.token })).status).to.equal(403);
    await t.api.patch(`/api/v1/users/${user.id}`, { role: 'admin' }, { token: t.admin.token });
    expect((await t.api.get('/api/v1/users', { token: login.body.token })).status).to.equal(200);
    await t.api.patch(`/api/v1/users/${user.id}`, { role: 'user' }, { token: t.admin.token });
    const after = await t.api.get('/api/v1/users', { token: login.body.token });
    expect(after.status).to.equal(403);
    expect(after.body.code).to.equal('forbidden');
  });

  it('sets an HttpOnly, SameSite=Lax session cookie that authenticates, and logout ends the session', async () => {
    const login = await t.api.post('/auth/login', { email: t.admin.email, password: ADMIN_PASSWORD });
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).to.match(/^rune_session=[\w-]{43};/);
    expect(cookie).to.include('HttpOnly').and.include('SameSite=Lax').and.not.include('Secure');
    const pair = cookie.split(';')[0]!;
    expect((await t.api.get('/auth/session', { cookie: pair })).body.user.email).to.equal(t.admin.email);

    // A cookie-borne state change needs our own Origin (CSRF).
    expect((await t.api.post('/auth/logout', undefined, { cookie: pair })).status).to.equal(403);
    expect(
      (await t.api.post('/auth/logout', undefined, { cookie: pair, headers: { origin: 'https://evil.test' } })).status,
    ).to.equal(403);
    expect(
      (
        await t.api.post('/auth/logout', undefined, {
          cookie: pair,
          headers: { origin: new URL(t.server.config.publicUrl).origin },
        })
      ).status,
    ).to.equal(204);
    expect((await t.api.get('/auth/session', { cookie: pair })).status).to.equal(401);
  });

  it('answers 401 problem+json without a session, and 400 naming each bad field', async () => {
    const none = await t.api.get('/auth/session');
    expect(none.status).to.equal(401);
    expect(none.body).to.include({ code: 'unauthenticated', status: 401 });
    const bad = await t.api.post('/auth/login', { email: 7, extra: true });
    expect(bad.status).to.equal(400);
    expect(bad.body.code).to.equal('validation_failed');
    expect(bad.body.errors.map((e: { field: string }) => e.field)).to.have.members(['email', 'password', 'extra']);
    const broken = await t.api.post('/auth/login', undefined, {
      raw: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).to.equal(400);
    expect(broken.body.code).to.equal('invalid_json');
  });

  it('answers 409 to setup once the directory has users', async () => {
    const again = await t.api.post('/api/v1/setup', {
      name: 'Second Root',
      email: 'second@corp.test',
      password: ADMIN_PASSWORD,
    });
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('already_set_up');
  });
});

describe('auth: first-admin setup', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ PUBLIC_URL: 'https://id.corp.test' });
  });
  after(() => server.close());

  it('refuses a weak first password, then creates exactly one admin from racing setups', async () => {
    const api = client(server.url);
    const weak = await api.post('/api/v1/setup', {
      name: 'Root Admin',
      email: 'root@corp.test',
      password: 'rootadmin123',
    });
    expect(weak.status).to.equal(400);
    expect(weak.body.errors.map((e: { message: string }) => e.message)).to.include(
      'must not contain your email address',
    );
    const racing = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        api.post('/api/v1/setup', { name: `Root ${i}`, email: `root${i}@corp.test`, password: ADMIN_PASSWORD }),
      ),
    );
    expect(racing.map((r) => r.status).sort()).to.deep.equal([201, 409, 409, 409, 409]);
    const winner = racing.find((r) => r.status === 201)!;
    const login = await api.post('/auth/login', { email: winner.body.user.email, password: ADMIN_PASSWORD });
    expect(login.headers.get('set-cookie')).to.include('Secure');
    expect(login.body.mustChangePassword).to.equal(false);
  });
});
