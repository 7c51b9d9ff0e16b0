import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.js';
import { client, type Client } from '../support/http.js';
import { setUpAdmin } from '../support/journeys.js';

// The guide's "What the New User Does", end to end over HTTP.
describe('auth: the new-user journey', () => {
  let server: TestServer;
  let api: Client;
  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('admin creates a user, who signs in with the temporary password, must change it, then uses their own', async () => {
    const admin = await setUpAdmin(api);

    // Step 4 of inviting: the temporary password is shown once.
    const created = await api.post(
      '/api/v1/users',
      { name: 'Nina New', email: 'Nina.New@Corp.test', role: 'user' },
      { token: admin.token },
    );
    expect(created.status).to.equal(201);
    const temporaryPassword: string = created.body.temporaryPassword;
    expect(temporaryPassword).to.match(/^[A-Za-z0-9]{16}$/);
    expect(created.body.user).to.include({
      email: 'nina.new@corp.test',
      role: 'user',
      status: 'active',
      kind: 'password',
      mustChangePassword: true,
    });
    expect(created.headers.get('cache-control')).to.equal('no-store');
    const shown = await api.get(`/api/v1/users/${created.body.user.id}`, { token: admin.token });
    expect(shown.text).not.to.include(temporaryPassword);
    expect(shown.body.user).not.to.have.any.keys('temporaryPassword', 'passwordHash', 'password');

    // Step 2: sign in with the temporary password, on two devices.
    const first = await api.post('/auth/login', { email: 'nina.new@corp.test', password: temporaryPassword });
    expect(first.status).to.equal(200);
    expect(first.body).to.include.keys('token', 'expiresAt', 'user', 'mustChangePassword');
    expect(first.body.mustChangePassword).to.equal(true);
    const second = await api.post('/auth/login', { email: 'NINA.NEW@corp.test', password: temporaryPassword });

    // Until they change it, nothing else works.
    const blocked = await api.get('/api/v1/users', { token: first.body.token });
    expect(blocked.status).to.equal(403);
    expect(blocked.body.code).to.equal('password_change_required');
    expect(blocked.headers.get('content-type')).to.match(/^application\/problem\+json/);
    const whoami = await api.get('/auth/session', { token: first.body.token });
    expect(whoami.status).to.equal(200);
    expect(whoami.body.session.scope).to.equal('password-change');

    // Step 3: the new password must meet the requirements, and says which it misses.
    const weak = await api.post(
      '/auth/password',
      { newPassword: 'password', confirmPassword: 'password' },
      { token: first.body.token },
    );
    expect(weak.status).to.equal(400);
    expect(weak.body.code).to.equal('password_rejected');
    expect(weak.body.errors.map((e: { message: string }) => e.message).join(' | '))
      .to.include('at least 12 characters')
      .and.include('most commonly used');
    const reuse = await api.post('/auth/password', { newPassword: temporaryPassword }, { token: first.body.token });
    expect(reuse.body.errors.map((e: { message: string }) => e.message)).to.include(
      'must differ from the temporary password',
    );
    const mismatch = await api.post(
      '/auth/password',
      { newPassword: 'a long passphrase here', confirmPassword: 'another one' },
      { token: first.body.token },
    );
    expect(mismatch.status).to.equal(400);
    expect(mismatch.body.errors[0].field).to.equal('confirmPassword');

    const newPassword = 'violet tangerine umbrella 42';
    const changed = await api.post(
      '/auth/password',
      { newPassword, confirmPassword: newPassword },
      { token: first.body.token },
    );
    expect(changed.status, changed.text).to.equal(200);
    expect(changed.body.user.mustChangePassword).to.equal(false);

    // This session is now a full one; the other device was signed out.
    expect((await api.get('/auth/session', { token: first.body.token })).body.session.scope).to.equal('full');
    expect((await api.get('/auth/session', { token: second.body.token })).status).to.equal(401);

    // Step 4: sign in with their own password; the temporary one no longer works.
    const again = await api.post('/auth/login', { email: 'nina.new@corp.test', password: newPassword });
    expect(again.status).to.equal(200);
    expect(again.body.mustChangePassword).to.equal(false);
    expect(
      (await api.post('/auth/login', { email: 'nina.new@corp.test', password: temporaryPassword })).status,
    ).to.equal(401);

    // The admin sees the last login.
    const listed = await api.get('/api/v1/users?q=nina', { token: admin.token });
    expect(listed.body.users[0].lastLoginAt).to.be.a('string');

    // Neither password reached a log line.
    const logs = server.logs.join('');
    expect(logs).to.include('"path":"/auth/login"');
    expect(logs).not.to.include(temporaryPassword);
    expect(logs).not.to.include(newPassword);
    expect(logs).not.to.include(first.body.token);
    const audit = JSON.stringify(await server.runtime.redis.xrange(server.runtime.directory.keys.audit, '-', '+'));
    expect(audit).to.include('user.password_changed');
    expect(audit).not.to.include(temporaryPassword);
    expect(audit).not.to.include(newPassword);

    // Nor did any BullMQ job: the password change queued a revocation job carrying ids only.
    const { redis, config } = server.runtime;
    const jobKeys = await redis.keys(`{${config.redis.prefix}}:session-revocation:*`);
    const jobHashes = await Promise.all(
      jobKeys.map(async (key) => ((await redis.type(key)) === 'hash' ? redis.hgetall(key) : {})),
    );
    const jobData = JSON.stringify(jobHashes);
    expect(jobData).to.include('password-change');
    expect(jobData).not.to.include(temporaryPassword);
    expect(jobData).not.to.include(newPassword);
    expect(jobData).not.to.include(first.body.token);
  });
});
