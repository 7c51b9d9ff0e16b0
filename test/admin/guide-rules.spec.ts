import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.js';
import { client, type Client } from '../support/http.js';
import { setUpAdmin, onboardUser } from '../support/journeys.js';

const PASSWORD = 'walnut harbor comet 64';

// The guide's "Important Rules", "Deactivating", "Reactivating" and "Deleting", over HTTP,
// with the deactivation job run by real workers.
describe('admin API: the guide’s rules', () => {
  let server: TestServer;
  let api: Client;
  let root: { token: string; id: string; email: string };
  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    root = await setUpAdmin(api);
  });
  after(() => server.close());
  const as = (token: string) => ({ token });

  it('you cannot deactivate yourself', async () => {
    const self = await api.post(`/api/v1/users/${root.id}/deactivate`, undefined, as(root.token));
    expect(self.status).to.equal(409);
    expect(self.body.code).to.equal('cannot_deactivate_self');
    expect(self.body.detail).to.match(/another admin/);
  });

  it('to deactivate the last admin, first promote another user to admin, then deactivate the original', async () => {
    const hal = await onboardUser(api, root.token, { name: 'Hal Helper', email: 'hal@corp.test' }, PASSWORD);
    const halToken = (await api.post('/auth/login', { email: 'hal@corp.test', password: PASSWORD })).body.token;
    // As a user, Hal may not; once promoted, Hal may, and root's sessions end.
    expect((await api.post(`/api/v1/users/${root.id}/deactivate`, undefined, as(halToken))).status).to.equal(403);
    expect((await api.patch(`/api/v1/users/${hal.id}`, { role: 'admin' }, as(root.token))).status).to.equal(200);
    const deactivated = await api.post(`/api/v1/users/${root.id}/deactivate`, undefined, as(halToken));
    expect(deactivated.status, deactivated.text).to.equal(200);
    expect(deactivated.body.user).to.include({ status: 'inactive', activeSessions: 0 });
    expect((await api.get('/auth/session', { token: root.token })).status).to.equal(401);
    // Hal is now the last active admin and cannot step down or deactivate themselves.
    expect((await api.post(`/api/v1/users/${hal.id}/deactivate`, undefined, as(halToken))).body.code).to.equal('cannot_deactivate_self');
    expect((await api.patch(`/api/v1/users/${hal.id}`, { role: 'user' }, as(halToken))).body.code).to.equal('cannot_change_own_role');
    // Restore root for the tests that follow.
    expect((await api.post(`/api/v1/users/${root.id}/activate`, undefined, as(halToken))).body.user.status).to.equal('active');
    root.token = (await api.post('/auth/login', { email: root.email, password: 'correct horse battery staple' })).body.token;
  });

  it('a rule refusal fails the deactivation job at once, without retries', async () => {
    const hal = (await server.runtime.directory.findUserByEmail('hal@corp.test'))!;
    expect((await api.post(`/api/v1/users/${hal.id}/deactivate`, undefined, as(root.token))).status).to.equal(200);
    // Root is the last active admin now: a job to deactivate them (by Hal, say) is refused.
    const outcome = await server.runtime.jobs!.deactivate(root.id, { actorId: hal.id, source: 'admin-api' });
    expect(outcome).to.include({ state: 'refused', code: 'last_active_admin' });
    const job = await server.runtime.jobs!.getJob(outcome.jobId);
    expect(job).to.deep.include({ state: 'failed', attemptsMade: 1, failure: { code: 'last_active_admin', detail: 'this is the last active admin; promote another user first' } });
    const seen = await api.get(`/api/v1/jobs/${outcome.jobId}`, as(root.token));
    expect(seen.body.job.state).to.equal('failed');
    await api.post(`/api/v1/users/${hal.id}/activate`, undefined, as(root.token));
  });

  it('a deactivated user cannot sign in, their open sessions stop at once, and the inactive filter lists them', async () => {
    const user = await onboardUser(api, root.token, { name: 'Dee Active', email: 'dee@corp.test' }, PASSWORD);
    const session = (await api.post('/auth/login', { email: 'dee@corp.test', password: PASSWORD })).body.token;
    const reply = await api.post(`/api/v1/users/${user.id}/deactivate`, undefined, as(root.token));
    expect(reply.status).to.equal(200);
    expect(reply.body.user).to.include({ status: 'inactive', activeSessions: 0 });
    // The job has deleted the session by the time the call answers.
    expect((await api.get('/auth/session', { token: session })).status).to.equal(401);
    const login = await api.post('/auth/login', { email: 'dee@corp.test', password: PASSWORD });
    expect(login.status).to.equal(403);
    expect(login.body.code).to.equal('user_inactive');
    const inactive = await api.get('/api/v1/users?status=inactive', as(root.token));
    expect(inactive.body.users.map((u: { email: string }) => u.email)).to.include('dee@corp.test');
    expect(inactive.body.users.every((u: { status: string }) => u.status === 'inactive')).to.equal(true);
    // Deactivating again changes nothing more.
    expect((await api.post(`/api/v1/users/${user.id}/deactivate`, undefined, as(root.token))).status).to.equal(200);
  });

  it('a reactivated user signs in with their existing password', async () => {
    const dee = (await server.runtime.directory.findUserByEmail('dee@corp.test'))!;
    const activated = await api.post(`/api/v1/users/${dee.id}/activate`, undefined, as(root.token));
    expect(activated.body.user.status).to.equal('active');
    const login = await api.post('/auth/login', { email: 'dee@corp.test', password: PASSWORD });
    expect(login.status).to.equal(200);
    expect(login.body.mustChangePassword).to.equal(false);
  });

  it('you cannot delete a user who is signed in until you deactivate them; delete cannot be undone', async () => {
    const user = await onboardUser(api, root.token, { name: 'Del Ete', email: 'del@corp.test' }, PASSWORD);
    const refused = await api.delete(`/api/v1/users/${user.id}`, as(root.token));
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('active_sessions');
    expect(refused.body.detail).to.match(/deactivate them first/);
    await api.post(`/api/v1/users/${user.id}/deactivate`, undefined, as(root.token));
    expect((await api.delete(`/api/v1/users/${user.id}`, as(root.token))).status).to.equal(204);
    expect((await api.get(`/api/v1/users/${user.id}`, as(root.token))).status).to.equal(404);
    expect((await api.delete(`/api/v1/users/${user.id}`, as(root.token))).status).to.equal(404);
    const self = await api.delete(`/api/v1/users/${root.id}`, as(root.token));
    expect(self.body.code).to.equal('cannot_delete_self');
  });

  it('revokes a user’s sessions on demand', async () => {
    const user = await onboardUser(api, root.token, { name: 'Rev Oke', email: 'rev@corp.test' }, PASSWORD);
    const tokens = await Promise.all([1, 2, 3].map(async () => (await api.post('/auth/login', { email: 'rev@corp.test', password: PASSWORD })).body.token));
    const reply = await api.post(`/api/v1/users/${user.id}/revoke-sessions`, undefined, as(root.token));
    expect(reply.status).to.equal(200);
    expect(reply.body.sessionsRevoked).to.equal(4);
    expect(reply.body.user.activeSessions).to.equal(0);
    for (const token of tokens) expect((await api.get('/auth/session', { token })).status).to.equal(401);
    expect((await api.post('/auth/login', { email: 'rev@corp.test', password: PASSWORD })).status).to.equal(200);
  });

  it('records every change in the audit trail, newest first, with its source and no secrets', async () => {
    const first = await api.get('/api/v1/audit?limit=5', as(root.token));
    expect(first.status).to.equal(200);
    expect(first.body.events).to.have.length(5);
    const times = first.body.events.map((e: { id: string }) => e.id);
    expect([...times].sort().reverse()).to.deep.equal(times);
    const next = await api.get(`/api/v1/audit?limit=5&cursor=${first.body.nextCursor}`, as(root.token));
    expect(next.body.events[0].id < times[4]).to.equal(true);
    const all = await api.get('/api/v1/audit?limit=200', as(root.token));
    const actions = all.body.events.map((e: { action: string }) => e.action);
    for (const action of ['user.created', 'user.deactivated', 'user.activated', 'user.deleted', 'user.role_changed', 'sessions.revoked', 'user.password_changed', 'user.signed_in']) {
      expect(actions, action).to.include(action);
    }
    const deactivation = all.body.events.find((e: { action: string }) => e.action === 'user.deactivated');
    expect(deactivation).to.include.keys('at', 'actor', 'source', 'action', 'target', 'details');
    expect(deactivation.source).to.equal('admin-api');
    expect(all.text).not.to.include(PASSWORD);
  });
});
