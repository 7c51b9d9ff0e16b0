import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.js';
import { client, type Client } from '../support/http.js';
import { setUpAdmin, onboardUser } from '../support/journeys.js';
import { runWorkers } from '../../workers/index.js';

const PASSWORD = 'juniper anchor falcon 88';

describe('jobs: when no worker is running', () => {
  let server: TestServer;
  let api: Client;
  let admin: { token: string; id: string };
  before(async () => {
    server = await startTestServer({ JOB_WAIT_MS: '400' }, { workers: false });
    api = client(server.url);
    admin = await setUpAdmin(api);
  });
  after(() => server.close());

  it('answers 202 with the job’s URL within JOB_WAIT_MS and the user already inactive, shares one job between repeated calls, and completes once a worker starts', async () => {
    const user = await server.runtime.directory.createUser(
      { name: 'Queued User', email: 'queued@corp.test', role: 'user', kind: 'sso' },
      { source: 'system' },
    );
    await server.runtime.directory.createSession(user.id, 'full');
    // A second session, looked up below (a refused lookup deletes it, leaving one for the job).
    const probe = await server.runtime.directory.createSession(user.id, 'full');
    const started = performance.now();
    const [first, second] = await Promise.all([
      api.post(`/api/v1/users/${user.id}/deactivate`, undefined, { token: admin.token }),
      api.post(`/api/v1/users/${user.id}/deactivate`, undefined, { token: admin.token }),
    ]);
    const elapsed = performance.now() - started;
    expect(first.status).to.equal(202);
    expect(elapsed).to.be.lessThan(400 + 600);
    const url = first.headers.get('location')!;
    expect(url).to.match(/^\/api\/v1\/jobs\/deactivation:\d+$/);
    expect(first.body.job).to.include({ state: 'pending', url });
    expect(second.body.job.id).to.equal(first.body.job.id);
    // The deactivation itself took effect in the request; only the clean-up waits for a worker.
    expect(first.body.user).to.include({ id: user.id, status: 'inactive' });
    expect((await server.runtime.directory.lookupSession(probe.token)).status).to.equal('user_inactive');

    const waiting = await api.get(url, { token: admin.token });
    expect(waiting.body.job).to.include({ state: 'waiting', queue: 'deactivation' });

    const workers = runWorkers(server.runtime);
    try {
      let job = waiting.body.job;
      for (let i = 0; i < 50 && job.state !== 'completed'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        job = (await api.get(url, { token: admin.token })).body.job;
      }
      expect(job).to.deep.include({
        state: 'completed',
        result: { userId: user.id, sessionsRevoked: 1, deleted: false },
      });
      expect((await server.runtime.directory.getUser(user.id))?.status).to.equal('inactive');
    } finally {
      await workers.close();
    }
  });

  it('answers 404 for an unknown job', async () => {
    expect((await api.get('/api/v1/jobs/deactivation:999999', { token: admin.token })).status).to.equal(404);
    expect((await api.get('/api/v1/jobs/nonsense', { token: admin.token })).status).to.equal(404);
  });

  it('keeps passwords and tokens out of job data', async () => {
    const user = await onboardUser(api, admin.token, { name: 'Job Data', email: 'jobdata@corp.test' }, PASSWORD);
    await api.post(`/api/v1/users/${user.id}/revoke-sessions`, undefined, { token: admin.token });
    const keys = await server.runtime.redis.keys(`{${server.config.redis.prefix}}:session-revocation:*`);
    const dumps = await Promise.all(
      keys.map(async (key) => {
        const type = await server.runtime.redis.type(key);
        return type === 'hash' ? JSON.stringify(await server.runtime.redis.hgetall(key)) : '';
      }),
    );
    const data = dumps.join('\n');
    expect(data).to.include(user.id);
    expect(data).to.include('password-change');
    expect(data).not.to.include(PASSWORD);
    expect(data).not.to.include(user.token);
  });
});
