import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.js';
import { client } from '../support/http.js';
import { setUpAdmin } from '../support/journeys.js';

describe('SCIM: token revocation across servers', () => {
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    a = await startTestServer({}, { workers: false });
    b = await startTestServer({ REDIS_PREFIX: a.config.redis.prefix }, { workers: false });
  });
  after(async () => {
    await b.close();
    await a.close();
  });

  it('a token revoked on one server stops working on another that had it cached, within a moment', async () => {
    const admin = await setUpAdmin(client(a.url));
    const created = await client(a.url).post('/api/v1/scim-tokens', { name: 'Okta' }, { token: admin.token });
    expect((await client(b.url).get('/scim/v2/Users?count=1', { token: created.body.token })).status).to.equal(200);
    await client(a.url).delete(`/api/v1/scim-tokens/${created.body.id}`, { token: admin.token });
    let status = 200;
    const started = Date.now();
    while (status === 200 && Date.now() - started < 2000) {
      status = (await client(b.url).get('/scim/v2/Users?count=1', { token: created.body.token })).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).to.equal(401);
    expect(Date.now() - started).to.be.lessThan(1000);
  });
});
