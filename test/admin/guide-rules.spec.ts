import { expect } from 'chai';
import { onboardUser, serverWithAdmin } from '../support/journeys.js';
import { expectRefusal } from '../support/expect-refusal.js';

const PASSWORD = 'walnut harbor comet 64';

// The guide's "Important Rules", "Deactivating", "Reactivating" and "Deleting", over HTTP,
// with the deactivation job run by real workers. Each test has a directory of its own, whose
// only admin is root: what one test does to admins cannot decide another.
describe('admin API: the guide’s rules', () => {
  const t = serverWithAdmin({}, { eachTest: true });
  const as = (token: string) => ({ token });

  it('you cannot deactivate yourself', async () => {
    const self = await t.api.post(`/api/v1/users/${t.admin.id}/deactivate`, undefined, as(t.admin.token));
    expect(self.status).to.equal(409);
    expect(self.body.code).to.equal('cannot_deactivate_self');
    expect(self.body.detail).to.match(/another admin/);
  });

  it('to deactivate the last admin, first promote another user to admin, then deactivate the original', async () => {
    const hal = await onboardUser(t.api, t.admin.token, { name: 'Hal Helper', email: 'hal@corp.test' }, PASSWORD);
    const halToken = (await t.api.post('/auth/login', { email: 'hal@corp.test', password: PASSWORD })).body.token;
    // As a user, Hal may not; once promoted, Hal may, and root's sessions end.
    expect((await t.api.post(`/api/v1/users/${t.admin.id}/deactivate`, undefined, as(halToken))).status).to.equal(403);
    expect((await t.api.patch(`/api/v1/users/${hal.id}`, { role: 'admin' }, as(t.admin.token))).status).to.equal(200);
    const deactivated = await t.api.post(`/api/v1/users/${t.admin.id}/deactivate`, undefined, as(halToken));
    expect(deactivated.status, deactivated.text).to.equal(200);
    expect(deactivated.body.user).to.include({ status: 'inactive', activeSessions: 0 });
    expect((await t.api.get('/auth/session', { token: t.admin.token })).status).to.equal(401);
    // Hal is now the last active admin and cannot step down or deactivate themselves.
    expect((await t.api.post(`/api/v1/users/${hal.id}/deactivate`, undefined, as(halToken))).body.code).to.equal(
      'cannot_deactivate_self',
    );
    expect((await t.api.patch(`/api/v1/users/${hal.id}`, { role: 'user' }, as(halToken))).body.code).to.equal(
      'cannot_change_own_role',
    );
    // But Hal can bring root back.
    expect(
      (await t.api.post(`/api/v1/users/${t.admin.id}/activate`, undefined, as(halToken))).body.user.status,
    ).to.equal('active');
  });

  it('a rule refusal is answered in the request: nothing changes and no job is queued', async () => {
    const { directory, redis } = t.server.runtime;
    const hal = await onboardUser(t.api, t.admin.token, { name: 'Hal Helper', email: 'hal@corp.test' }, PASSWORD);
    // Root is the only active admin: deactivating them (by Hal, say) is refused where the status is written.
    await expectRefusal(
      directory.deactivateUser(t.admin.id, { actorId: hal.id, source: 'admin-api' }),
      'last_active_admin',
    );
    const jobsAdded = `{${t.server.config.redis.prefix}}:deactivation:id`;
    const before = await redis.get(jobsAdded);
    const refused = await t.api.post(`/api/v1/users/${t.admin.id}/deactivate`, undefined, as(t.admin.token));
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('cannot_deactivate_self');
    expect(await redis.get(jobsAdded)).to.equal(before);
    expect((await directory.getUser(t.admin.id))?.status).to.equal('active');
  });

  it('a deactivated user cannot sign in, their open sessions stop at once, and the inactive filter lists them', async () => {
    const user = await onboardUser(t.api, t.admin.token, { name: 'Dee Active', email: 'dee@corp.test' }, PASSWORD);
    const session = (await t.api.post('/auth/login', { email: 'dee@corp.test', password: PASSWORD })).body.token;
    const reply = await t.api.post(`/api/v1/users/${user.id}/deactivate`, undefined, as(t.admin.token));
    expect(reply.status).to.equal(200);
    expect(reply.body.user).to.include({ status: 'inactive', activeSessions: 0 });
    // The job has deleted the session by the time the call answers.
    expect((await t.api.get('/auth/session', { token: session })).status).to.equal(401);
    const login = await t.api.post('/auth/login', { email: 'dee@corp.test', password: PASSWORD });
    expect(login.status).to.equal(403);
    expect(login.body.code).to.equal('user_inactive');
    const inactive = await t.api.get('/api/v1/users?status=inactive', as(t.admin.token));
    expect(inactive.body.users.map((u: { email: string }) => u.email)).to.include('dee@corp.test');
    expect(inactive.body.users.every((u: { status: string }) => u.status === 'inactive')).to.equal(true);
    // Deactivating again changes nothing more.
    expect((await t.api.post(`/api/v1/users/${user.id}/deactivate`, undefined, as(t.admin.token))).status).to.equal(
      200,
    );
  });

  it('a reactivated user signs in with their existing password', async () => {
    const dee = await onboardUser(t.api, t.admin.token, { name: 'Dee Active', email: 'dee@corp.test' }, PASSWORD);
    expect(
      (await t.api.post(`/api/v1/users/${dee.id}/deactivate`, undefined, as(t.admin.token))).body.user.status,
    ).to.equal('inactive');
    const activated = await t.api.post(`/api/v1/users/${dee.id}/activate`, undefined, as(t.admin.token));
    expect(activated.body.user.status).to.equal('active');
    const login = await t.api.post('/auth/login', { email: 'dee@corp.test', password: PASSWORD });
    expect(login.status).to.equal(200);
    expect(login.body.mustChangePassword).to.equal(false);
  });

  it('you cannot delete a user who is signed in until you deactivate them; delete cannot be undone', async () => {
    const user = await onboardUser(t.api, t.admin.token, { name: 'Del Ete', email: 'del@corp.test' }, PASSWORD);
    const refused = await t.api.delete(`/api/v1/users/${user.id}`, as(t.admin.token));
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('active_sessions');
    expect(refused.body.detail).to.match(/deactivate them first/);
    await t.api.post(`/api/v1/users/${user.id}/deactivate`, undefined, as(t.admin.token));
    expect((await t.api.delete(`/api/v1/users/${user.id}`, as(t.admin.token))).status).to.equal(204);
    expect((await t.api.get(`/api/v1/users/${user.id}`, as(t.admin.token))).status).to.equal(404);
    expect((await t.api.delete(`/api/v1/users/${user.id}`, as(t.admin.token))).status).to.equal(404);
    const self = await t.api.delete(`/api/v1/users/${t.admin.id}`, as(t.admin.token));
    expect(self.body.code).to.equal('cannot_delete_self');
  });

  it('revokes a user’s sessions on demand', async () => {
    const user = await onboardUser(t.api, t.admin.token, { name: 'Rev Oke', email: 'rev@corp.test' }, PASSWORD);
    const tokens = await Promise.all(
      [1, 2, 3].map(
        async () => (await t.api.post('/auth/login', { email: 'rev@corp.test', password: PASSWORD })).body.token,
      ),
    );
    const reply = await t.api.post(`/api/v1/users/${user.id}/revoke-sessions`, undefined, as(t.admin.token));
    expect(reply.status).to.equal(200);
    expect(reply.body.sessionsRevoked).to.equal(4);
    expect(reply.body.user.activeSessions).to.equal(0);
    for (const token of tokens) expect((await t.api.get('/auth/session', { token })).status).to.equal(401);
    expect((await t.api.post('/auth/login', { email: 'rev@corp.test', password: PASSWORD })).status).to.equal(200);
  });

  it('records every change in the audit trail, newest first, with its source and no secrets', async () => {
    // Created, password changed, signed in, promoted and back, sessions revoked, deactivated, reactivated, deleted.
    const aud = await onboardUser(t.api, t.admin.token, { name: 'Aud Itor', email: 'aud@corp.test' }, PASSWORD);
    expect((await t.api.post('/auth/login', { email: 'aud@corp.test', password: PASSWORD })).status).to.equal(200);
    expect((await t.api.patch(`/api/v1/users/${aud.id}`, { role: 'admin' }, as(t.admin.token))).status).to.equal(200);
    expect((await t.api.patch(`/api/v1/users/${aud.id}`, { role: 'user' }, as(t.admin.token))).status).to.equal(200);
    expect((await t.api.post(`/api/v1/users/${aud.id}/revoke-sessions`, undefined, as(t.admin.token))).status).to.equal(
      200,
    );
    expect((await t.api.post(`/api/v1/users/${aud.id}/deactivate`, undefined, as(t.admin.token))).status).to.equal(200);
    expect((await t.api.post(`/api/v1/users/${aud.id}/activate`, undefined, as(t.admin.token))).status).to.equal(200);
    expect((await t.api.post(`/api/v1/users/${aud.id}/deactivate`, undefined, as(t.admin.token))).status).to.equal(200);
    expect((await t.api.delete(`/api/v1/users/${aud.id}`, as(t.admin.token))).status).to.equal(204);
    const first = await t.api.get('/api/v1/audit?limit=5', as(t.admin.token));
    expect(first.status).to.equal(200);
    expect(first.body.events).to.have.length(5);
    const times = first.body.events.map((e: { id: string }) => e.id);
    expect([...times].sort().reverse()).to.deep.equal(times);
    const next = await t.api.get(`/api/v1/audit?limit=5&cursor=${first.body.nextCursor}`, as(t.admin.token));
    expect(next.body.events[0].id < times[4]).to.equal(true);
    const all = await t.api.get('/api/v1/audit?limit=200', as(t.admin.token));
    const actions = all.body.events.map((e: { action: string }) => e.action);
    for (const action of [
      'user.created',
      'user.deactivated',
      'user.activated',
      'user.deleted',
      'user.role_changed',
      'sessions.revoked',
      'user.password_changed',
      'user.signed_in',
    ]) {
      expect(actions, action).to.include(action);
    }
    const deactivation = all.body.events.find((e: { action: string }) => e.action === 'user.deactivated');
    expect(deactivation).to.include.keys('at', 'actor', 'source', 'action', 'target', 'details');
    expect(deactivation.source).to.equal('admin-api');
    expect(all.text).not.to.include(PASSWORD);
  });
});
