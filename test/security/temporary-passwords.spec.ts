import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../config/index.js';
import { directoryKeys } from '../../src/directory/keys.js';
import { connect } from '../support/redis.js';
import { onboardUser, serverWithAdmin } from '../support/journeys.js';

// Issue 9, finding 14a: a temporary password expires (TEMP_PASSWORD_TTL, 7 days by default)
// and an admin hands out a new one.

const PASSWORD = 'saffron lighthouse cobalt 31';
const WEEK_MS = 7 * 24 * 3600 * 1000;

describe('security: temporary passwords expire', () => {
  const t = serverWithAdmin();
  const redis = connect();
  after(() => redis.quit());
  const keys = () => directoryKeys(t.server.config.redis.prefix);
  /** Moves the stored moment the temporary password was set back in time. */
  const age = async (userId: string, ms: number) => {
    const key = keys().user(userId);
    const setAt = Number(await redis.hget(key, 'tempPasswordSetAt'));
    expect(setAt, 'the time a temporary password was set is stored').to.be.greaterThan(Date.now() - 60_000);
    await redis.hset(key, 'tempPasswordSetAt', String(setAt - ms));
  };
  const create = async (name: string, email: string) => {
    const created = await t.api.post('/api/v1/users', { name, email, role: 'user' }, { token: t.admin.token });
    expect(created.status, created.text).to.equal(201);
    return { id: created.body.user.id as string, temporaryPassword: created.body.temporaryPassword as string };
  };

  it('an expired temporary password is refused temporary_password_expired', async () => {
    const { id, temporaryPassword } = await create('Eli Expired', 'eli@corp.test');
    await age(id, WEEK_MS + 1000);
    const refused = await t.api.post('/auth/login', { email: 'eli@corp.test', password: temporaryPassword });
    expect(refused.status).to.equal(401);
    expect(refused.body.code).to.equal('temporary_password_expired');
    expect(refused.body.detail).to.equal('Your temporary password has expired; ask an admin for a new one.');
    expect(refused.body.token).to.equal(undefined);
    expect(refused.headers.get('set-cookie')).to.equal(null);
    // Without the password nobody learns that the account has an expired one.
    const guess = await t.api.post('/auth/login', { email: 'eli@corp.test', password: 'just a guess here' });
    expect(guess.body.code).to.equal('invalid_credentials');
  });

  it('a temporary password just inside TEMP_PASSWORD_TTL still signs in, with a forced change', async () => {
    const { id, temporaryPassword } = await create('Una Intime', 'una@corp.test');
    await age(id, WEEK_MS - 60_000);
    const login = await t.api.post('/auth/login', { email: 'una@corp.test', password: temporaryPassword });
    expect(login.status, login.text).to.equal(200);
    expect(login.body.mustChangePassword).to.equal(true);
  });

  it('reset-password gives a new temporary password that signs in with a forced change', async () => {
    const user = await onboardUser(t.api, t.admin.token, { name: 'Rosa Reset', email: 'rosa@corp.test' }, PASSWORD);
    const open = await t.api.post('/auth/login', { email: 'rosa@corp.test', password: PASSWORD });

    const reset = await t.api.post(`/api/v1/users/${user.id}/reset-password`, undefined, { token: t.admin.token });
    expect(reset.status, reset.text).to.equal(200);
    expect(reset.headers.get('cache-control')).to.equal('no-store');
    expect(reset.body.temporaryPassword).to.match(/^[A-Za-z0-9]{16}$/);
    expect(reset.body.user).to.include({ id: user.id, mustChangePassword: true, activeSessions: 0 });

    // Every session of theirs ended at once, and the old password no longer works.
    expect((await t.api.get('/auth/session', { token: open.body.token })).status).to.equal(401);
    expect((await t.api.get('/auth/session', { token: user.token })).status).to.equal(401);
    expect((await t.api.post('/auth/login', { email: 'rosa@corp.test', password: PASSWORD })).body.code).to.equal(
      'invalid_credentials',
    );

    const login = await t.api.post('/auth/login', { email: 'rosa@corp.test', password: reset.body.temporaryPassword });
    expect(login.status).to.equal(200);
    expect(login.body.mustChangePassword).to.equal(true);
    expect((await t.api.get('/api/v1/users', { token: login.body.token })).body.code).to.equal(
      'password_change_required',
    );
    const changed = await t.api.post(
      '/auth/password',
      { newPassword: 'a fresh start 2027' },
      { token: login.body.token },
    );
    expect(changed.status, changed.text).to.equal(200);
    expect(changed.body.user.mustChangePassword).to.equal(false);

    const audit = await t.api.get('/api/v1/audit?limit=200', { token: t.admin.token });
    const resetEvent = audit.body.events.find(
      (e: { action: string; target: string }) => e.action === 'user.password_reset' && e.target === user.id,
    );
    expect(resetEvent).to.include({ actor: t.admin.id, source: 'admin-api' });
    expect(audit.text).not.to.include(reset.body.temporaryPassword);
  });

  it('a reset temporary password expires too, counted from the reset', async () => {
    const user = await onboardUser(t.api, t.admin.token, { name: 'Tom Twice', email: 'tom@corp.test' }, PASSWORD);
    const reset = await t.api.post(`/api/v1/users/${user.id}/reset-password`, undefined, { token: t.admin.token });
    await age(user.id, WEEK_MS + 1000);
    expect(
      (await t.api.post('/auth/login', { email: 'tom@corp.test', password: reset.body.temporaryPassword })).body.code,
    ).to.equal('temporary_password_expired');
    // The admin's remedy: another reset.
    const again = await t.api.post(`/api/v1/users/${user.id}/reset-password`, undefined, { token: t.admin.token });
    expect(
      (await t.api.post('/auth/login', { email: 'tom@corp.test', password: again.body.temporaryPassword })).status,
    ).to.equal(200);
  });

  it('reset-password is for admins and password users only', async () => {
    const sso = await t.server.runtime.directory.createUser(
      { name: 'Sue Sso', email: 'sue@corp.test', role: 'user', kind: 'sso' },
      { source: 'system' },
    );
    const refused = await t.api.post(`/api/v1/users/${sso.id}/reset-password`, undefined, { token: t.admin.token });
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('sso_user');
    expect(refused.headers.get('content-type')).to.match(/^application\/problem\+json/);

    const missing = await t.api.post('/api/v1/users/00000000-0000-4000-8000-000000000000/reset-password', undefined, {
      token: t.admin.token,
    });
    expect(missing.status).to.equal(404);

    const member = await onboardUser(t.api, t.admin.token, { name: 'Max Member', email: 'max@corp.test' }, PASSWORD);
    const login = await t.api.post('/auth/login', { email: 'max@corp.test', password: PASSWORD });
    const forbidden = await t.api.post(`/api/v1/users/${member.id}/reset-password`, undefined, {
      token: login.body.token,
    });
    expect(forbidden.status).to.equal(403);
    expect((await t.api.post('/auth/login', { email: 'max@corp.test', password: PASSWORD })).status).to.equal(200);
  });

  it('reads TEMP_PASSWORD_TTL in seconds, 7 days by default', () => {
    expect(loadConfig({}).password.temporaryTtlSeconds).to.equal(604_800);
    expect(loadConfig({ TEMP_PASSWORD_TTL: '3600' }).password.temporaryTtlSeconds).to.equal(3600);
    expect(() => loadConfig({ TEMP_PASSWORD_TTL: 'a week' })).to.throw(ConfigError, 'TEMP_PASSWORD_TTL');
  });
});
