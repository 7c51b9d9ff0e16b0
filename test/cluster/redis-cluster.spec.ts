import { expect } from 'chai';
import { startOwnCluster } from '../support/own-cluster.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { client } from '../support/http.js';
import { setUpAdmin, onboardUser } from '../support/journeys.js';

// Every key shares the hash tag {REDIS_PREFIX}, so the Lua scripts and BullMQ run on a cluster.
describe('Redis Cluster @slow', function () {
  this.timeout(60_000);
  let cluster: Awaited<ReturnType<typeof startOwnCluster>>;
  let server: TestServer;
  before(async () => {
    cluster = await startOwnCluster();
    server = await startTestServer({ REDIS_CLUSTER_NODES: cluster.nodes });
  });
  after(async () => {
    await server.close().catch(() => undefined);
    await cluster.stop();
  });

  it('runs sign-in, the admin API, a deactivation job, SCIM and doctor against a 3-node cluster', async () => {
    const api = client(server.url);
    const admin = await setUpAdmin(api);
    const user = await onboardUser(
      api,
      admin.token,
      { name: 'Clara Cluster', email: 'clara@corp.test' },
      'nebula harbor crystal 7',
    );
    expect((await api.get('/api/v1/users?q=clara', { token: admin.token })).body.total).to.equal(1);
    const deactivated = await api.post(`/api/v1/users/${user.id}/deactivate`, undefined, { token: admin.token });
    expect(deactivated.status, deactivated.text).to.equal(200);
    expect(deactivated.body.user).to.include({ status: 'inactive', activeSessions: 0 });
    const token = (await api.post('/api/v1/scim-tokens', { name: 'Okta' }, { token: admin.token })).body.token;
    const created = await api.post(
      '/scim/v2/Users',
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'sam@corp.test',
        emails: [{ value: 'sam@corp.test', primary: true }],
      },
      { token },
    );
    expect(created.status, created.text).to.equal(201);
    const found = await api.get(`/scim/v2/Users?filter=${encodeURIComponent('userName eq "sam@corp.test"')}`, {
      token,
    });
    expect(found.body.totalResults).to.equal(1);
    const report = await server.runtime.directory.checkIndexes();
    expect(report.users).to.equal(3);
    expect(report.mismatches).to.deep.equal([]);
  });
});
