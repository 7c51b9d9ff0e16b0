import { expect } from 'chai';
import { startOwnRedis } from '../support/own-redis.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { client } from '../support/http.js';
import { setUpAdmin } from '../support/journeys.js';

describe('http: when Redis goes away', function () {
  this.timeout(30_000);
  let redis: Awaited<ReturnType<typeof startOwnRedis>>;
  let server: TestServer;

  before(async () => {
    redis = await startOwnRedis();
    server = await startTestServer({ REDIS_URL: redis.url }, { workers: false });
  });
  after(async () => {
    await redis.stop();
    await server.close().catch(() => undefined);
  });

  it('answers 503 in each API’s own error format, never 404 or a crash, and readyz says so', async () => {
    const api = client(server.url);
    const admin = await setUpAdmin(api);
    const scimToken = (await api.post('/api/v1/scim-tokens', { name: 'idp' }, { token: admin.token })).body.token;
    const someone = (await api.get('/api/v1/users', { token: admin.token })).body.users[0].id;
    expect((await api.get('/readyz')).status).to.equal(200);

    await redis.stop();

    const adminCall = await api.get(`/api/v1/users/${someone}`, { token: admin.token });
    expect(adminCall.status).to.equal(503);
    expect(adminCall.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(adminCall.body.code).to.equal('service_unavailable');
    const login = await api.post('/auth/login', { email: 'root@corp.test', password: 'whatever it is' });
    expect(login.status).to.equal(503);
    const scim = await api.get(`/scim/v2/Users/${someone}`, { token: scimToken });
    expect(scim.status).to.equal(503);
    expect(scim.body).to.include({ status: '503' });
    expect((await api.get('/readyz')).status).to.equal(503);
    expect((await api.get('/healthz')).status).to.equal(200);
  });
});
