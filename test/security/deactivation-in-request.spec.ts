import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.js';
import { call, client, type Client } from '../support/http.js';
import { setUpAdmin, onboardUser } from '../support/journeys.js';
import { expectRefusal } from '../support/expect-refusal.js';
import { SYSTEM } from '../support/factories.js';
import { runWorkers } from '../../workers/index.js';
import { hashToken } from '../../src/directory/index.js';

// Issue 9, finding 4: deactivation and deletion take effect in the request, whether or not a
// worker runs; the job only deletes the session keys left behind. Every server here runs
// without workers unless a test starts them.

const PASSWORD = 'lantern meadow quartz 51';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const scimUser = (email: string, formatted: string, active: boolean) => ({
  schemas: [CORE],
  userName: email,
  name: { formatted },
  emails: [{ value: email, type: 'work', primary: true }],
  active,
});

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe('security: deactivation takes effect in the request (admin API)', () => {
  let server: TestServer;
  let api: Client;
  let admin: { token: string; id: string };
  before(async () => {
    server = await startTestServer({ JOB_WAIT_MS: '200' }, { workers: false });
    api = client(server.url);
    admin = await setUpAdmin(api);
  });
  after(() => server.close());

  const as = (token: string) => ({ token });
  const sessionKeyExists = async (token: string) =>
    (await server.runtime.redis.exists(server.runtime.directory.keys.session(hashToken(token)))) === 1;

  it('with no worker running, deactivating answers at once and the user is already inactive: their session is refused and a fresh sign-in is refused user_inactive', async () => {
    const eve = await onboardUser(
      api,
      admin.token,
      { name: 'Eve Admin', email: 'eve@corp.test', role: 'admin' },
      PASSWORD,
    );
    const started = performance.now();
    const reply = await api.post(`/api/v1/users/${eve.id}/deactivate`, undefined, as(admin.token));
    expect(performance.now() - started).to.be.lessThan(200 + 800);
    expect(reply.status, reply.text).to.equal(202);
    expect(reply.body.user).to.include({ id: eve.id, status: 'inactive' });
    expect(reply.headers.get('location')).to.equal(reply.body.job.url);

    const session = await api.get('/auth/session', as(eve.token));
    expect([session.status, session.body.code]).to.deep.equal([403, 'user_inactive']);
    // Refused, the session is gone for good: nothing it asks for is done.
    expect((await api.post('/api/v1/scim-tokens', { name: 'Eve’s token' }, as(eve.token))).status).to.equal(401);
    expect((await api.get('/api/v1/scim-tokens', as(admin.token))).text).not.to.include('Eve’s token');
    const login = await api.post('/auth/login', { email: 'eve@corp.test', password: PASSWORD });
    expect(login.status).to.equal(403);
    expect(login.body.code).to.equal('user_inactive');
    expect((await api.get(`/api/v1/users/${eve.id}`, as(admin.token))).body.user.status).to.equal('inactive');
  });

  it('answers 200 at once, with no job, when the user has no session to clean up', async () => {
    const user = await server.runtime.directory.createUser(
      { name: 'Ned Nosession', email: 'ned@corp.test', role: 'user', kind: 'sso' },
      SYSTEM,
    );
    const reply = await api.post(`/api/v1/users/${user.id}/deactivate`, undefined, as(admin.token));
    expect(reply.status, reply.text).to.equal(200);
    expect(reply.body.user).to.include({ status: 'inactive', activeSessions: 0 });
  });

  it('refuses deactivating yourself with 409 cannot_deactivate_self, changing nothing', async () => {
    const self = await api.post(`/api/v1/users/${admin.id}/deactivate`, undefined, as(admin.token));
    expect(self.status).to.equal(409);
    expect(self.body.code).to.equal('cannot_deactivate_self');
    expect((await api.get('/auth/session', as(admin.token))).status).to.equal(200);
  });

  it('a session ended by deactivation stays dead when the user is reactivated before any worker ran', async () => {
    const user = await onboardUser(api, admin.token, { name: 'Ray Back', email: 'ray@corp.test' }, PASSWORD);
    expect((await api.post(`/api/v1/users/${user.id}/deactivate`, undefined, as(admin.token))).status).to.equal(202);
    const activated = await api.post(`/api/v1/users/${user.id}/activate`, undefined, as(admin.token));
    expect(activated.body.user.status).to.equal('active');
    expect((await api.get('/auth/session', as(user.token))).status).to.equal(401);
    expect((await api.post('/auth/login', { email: 'ray@corp.test', password: PASSWORD })).status).to.equal(200);
  });

  it('an admin deletes a user they just deactivated, with no worker running; a signed-in active user is still refused active_sessions', async () => {
    const user = await onboardUser(api, admin.token, { name: 'Del Later', email: 'del.later@corp.test' }, PASSWORD);
    const refused = await api.delete(`/api/v1/users/${user.id}`, as(admin.token));
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('active_sessions');
    expect((await api.post(`/api/v1/users/${user.id}/deactivate`, undefined, as(admin.token))).status).to.equal(202);
    expect((await api.delete(`/api/v1/users/${user.id}`, as(admin.token))).status).to.equal(204);
    expect((await api.get(`/api/v1/users/${user.id}`, as(admin.token))).status).to.equal(404);
    expect((await api.get('/auth/session', as(user.token))).status).to.equal(401);
    expect((await api.post('/auth/login', { email: 'del.later@corp.test', password: PASSWORD })).status).to.equal(401);
  });

  it('the clean-up job run after a reactivation does not deactivate again: it deletes only the sessions the deactivation ended', async () => {
    const user = await onboardUser(api, admin.token, { name: 'Cleo Later', email: 'cleo@corp.test' }, PASSWORD);
    const deactivated = await api.post(`/api/v1/users/${user.id}/deactivate`, undefined, as(admin.token));
    expect(deactivated.status).to.equal(202);
    await api.post(`/api/v1/users/${user.id}/activate`, undefined, as(admin.token));
    const fresh = (await api.post('/auth/login', { email: 'cleo@corp.test', password: PASSWORD })).body.token as string;
    expect(await sessionKeyExists(user.token)).to.equal(true);

    const workers = runWorkers(server.runtime);
    try {
      let job = deactivated.body.job;
      await until(async () => {
        job = (await api.get(deactivated.body.job.url, as(admin.token))).body.job;
        return job.state === 'completed';
      }, 'the clean-up job completed');
      // The count may be 0: the password change's own clean-up job can delete that session first.
      expect(job.result).to.include({ userId: user.id, deleted: false });
    } finally {
      await workers.close();
    }
    const now = await api.get(`/api/v1/users/${user.id}`, as(admin.token));
    expect(now.body.user).to.include({ status: 'active', activeSessions: 1 });
    expect((await api.get('/auth/session', as(fresh))).status).to.equal(200);
    expect(await sessionKeyExists(user.token)).to.equal(false);
  });
});

describe('security: SCIM writes are one write, whether or not a worker runs', () => {
  let server: TestServer;
  let api: Client;
  let scimToken: string;
  before(async () => {
    server = await startTestServer({ JOB_WAIT_MS: '200' }, { workers: false });
    api = client(server.url);
    const admin = await setUpAdmin(api);
    scimToken = (await api.post('/api/v1/scim-tokens', { name: 'Okta' }, { token: admin.token })).body.token;
  });
  after(() => server.close());

  const scim = (method: string, path: string, body?: unknown) =>
    call(server.url, method, `/scim/v2${path}`, {
      token: scimToken,
      body,
      headers: body === undefined ? {} : { 'content-type': 'application/scim+json' },
    });

  /** An SSO user made over SCIM, signed in (as SAML would sign them in). */
  async function provisioned(email: string, name: string) {
    const created = await scim('POST', '/Users', scimUser(email, name, true));
    expect(created.status, created.text).to.equal(201);
    const { token } = await server.runtime.directory.createSession(created.body.id, 'full');
    return { id: created.body.id as string, token };
  }

  it('a SCIM PUT that renames and deactivates is applied whole with no worker running', async () => {
    const user = await provisioned('pat.put@corp.test', 'Pat Before');
    const started = performance.now();
    const put = await scim('PUT', `/Users/${user.id}`, scimUser('pat.put@corp.test', 'Pat After', false));
    expect(performance.now() - started).to.be.lessThan(1000);
    expect(put.status, put.text).to.equal(200);
    expect(put.body).to.deep.include({ active: false, name: { formatted: 'Pat After' } });
    const read = await scim('GET', `/Users/${user.id}`);
    expect(read.body).to.deep.include({ active: false, name: { formatted: 'Pat After' } });
    expect(await server.runtime.directory.getUser(user.id)).to.include({ name: 'Pat After', status: 'inactive' });
    expect((await api.get('/auth/session', { token: user.token })).body.code).to.equal('user_inactive');
    await expectRefusal(server.runtime.directory.createSession(user.id, 'full'), 'user_inactive');
  });

  it('a SCIM PATCH that renames and deactivates answers 200 at once with no worker running', async () => {
    const user = await provisioned('pat.patch@corp.test', 'Patch Before');
    const patched = await scim('PATCH', `/Users/${user.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { active: false, name: { formatted: 'Patch After' } } }],
    });
    expect(patched.status, patched.text).to.equal(200);
    expect(patched.body).to.deep.include({ active: false, name: { formatted: 'Patch After' } });
    expect(await server.runtime.directory.getUser(user.id)).to.include({ name: 'Patch After', status: 'inactive' });
    expect((await api.get('/auth/session', { token: user.token })).body.code).to.equal('user_inactive');
  });

  it('a SCIM PUT active:true reactivates in the same write, and sessions from before stay ended', async () => {
    const user = await provisioned('pat.back@corp.test', 'Back Before');
    await scim('PUT', `/Users/${user.id}`, scimUser('pat.back@corp.test', 'Back Before', false));
    const put = await scim('PUT', `/Users/${user.id}`, scimUser('pat.back@corp.test', 'Back Again', true));
    expect(put.status, put.text).to.equal(200);
    expect(put.body).to.deep.include({ active: true, name: { formatted: 'Back Again' } });
    expect((await api.get('/auth/session', { token: user.token })).status).to.equal(401);
    const { token } = await server.runtime.directory.createSession(user.id, 'full');
    expect((await api.get('/auth/session', { token })).status).to.equal(200);
  });

  it('SCIM DELETE with no worker: 204, then GET 404 and sign-in impossible; the clean-up job deletes the session keys left', async () => {
    const user = await provisioned('del.scim@corp.test', 'Del Scim');
    const deleted = await scim('DELETE', `/Users/${user.id}`);
    expect(deleted.status, deleted.text).to.equal(204);
    expect((await scim('GET', `/Users/${user.id}`)).status).to.equal(404);
    expect(
      (await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "del.scim@corp.test"')}`)).body.totalResults,
    ).to.equal(0);
    expect((await api.get('/auth/session', { token: user.token })).status).to.equal(401);
    const { directory, redis } = server.runtime;
    expect(await directory.findUserByEmail('del.scim@corp.test')).to.equal(null);
    await expectRefusal(directory.createSession(user.id, 'full'), 'not_found');

    const workers = runWorkers(server.runtime);
    try {
      await until(
        async () => (await redis.exists(directory.keys.userSessions(user.id))) === 0,
        'the session index is gone',
      );
    } finally {
      await workers.close();
    }
    expect(await redis.exists(directory.keys.session(hashToken(user.token)))).to.equal(0);
    expect((await directory.checkIndexes()).mismatches).to.deep.equal([]);
  });

  describe('when an SSO user is the last active admin', () => {
    let ida: { id: string; token: string };
    before(async () => {
      const { directory } = server.runtime;
      const created = await directory.createUser(
        { name: 'Ida Last', email: 'ida@corp.test', userName: 'ida@corp.test', role: 'admin', kind: 'sso' },
        SYSTEM,
      );
      ida = { id: created.id, token: (await directory.createSession(created.id, 'full')).token };
      const root = (await directory.findUserByEmail('root@corp.test'))!;
      await directory.deactivateUser(root.id, { actorId: ida.id, source: 'admin-api' });
      expect(await directory.isLastActiveAdmin(ida.id)).to.equal(true);
    });

    it('a SCIM PUT that renames and deactivates the last active admin changes nothing', async () => {
      const before = await scim('GET', `/Users/${ida.id}`);
      const put = await scim('PUT', `/Users/${ida.id}`, scimUser('ida@corp.test', 'Ida Renamed', false));
      expect(put.status, put.text).to.equal(409);
      expect(put.body.detail).to.match(/last active admin/);
      const after = await scim('GET', `/Users/${ida.id}`);
      expect(after.body).to.deep.include({ active: true, displayName: 'Ida Last' });
      expect(after.body.meta.version).to.equal(before.body.meta.version);
      expect(await server.runtime.directory.getUser(ida.id)).to.include({ name: 'Ida Last', status: 'active' });
      expect((await api.get('/auth/session', { token: ida.token })).status).to.equal(200);
    });

    it('a SCIM DELETE of the last active admin is refused 409 and deletes nothing', async () => {
      const refused = await scim('DELETE', `/Users/${ida.id}`);
      expect(refused.status, refused.text).to.equal(409);
      expect((await scim('GET', `/Users/${ida.id}`)).status).to.equal(200);
      expect((await api.get('/auth/session', { token: ida.token })).status).to.equal(200);
    });
  });
});
