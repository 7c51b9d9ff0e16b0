import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../config/index.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { client } from '../support/http.js';
import { ADMIN_PASSWORD } from '../support/journeys.js';

// Settings of Redis Sentinel and of the replica acknowledgements, and what a security write
// answers when replicas are expected but none confirms it (the shared test Redis has none).

describe('redis HA settings', () => {
  const base = { REDIS_URL: 'redis://127.0.0.1:6379' };
  const fails = (env: Record<string, string>, variable: string) =>
    expect(() => loadConfig({ ...base, ...env }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.matches(new RegExp(`^(invalid configuration:\\s+)?${variable}:`));

  it('REDIS_SENTINELS takes host:port pairs and needs REDIS_SENTINEL_NAME; security writes then wait for one replica', () => {
    const config = loadConfig({
      ...base,
      REDIS_SENTINELS: '10.0.0.1:26379, sentinel-b:26380',
      REDIS_SENTINEL_NAME: 'rune',
    });
    expect(config.redis.sentinels).to.deep.equal([
      { host: '10.0.0.1', port: 26379 },
      { host: 'sentinel-b', port: 26380 },
    ]);
    expect(config.redis).to.include({ sentinelName: 'rune', minReplicasAcked: 1, waitTimeoutMs: 500 });
    fails({ REDIS_SENTINELS: '10.0.0.1:26379' }, 'REDIS_SENTINEL_NAME');
    fails({ REDIS_SENTINEL_NAME: 'rune' }, 'REDIS_SENTINEL_NAME');
    fails({ REDIS_SENTINELS: 'nowhere', REDIS_SENTINEL_NAME: 'rune' }, 'REDIS_SENTINELS');
    fails({ REDIS_SENTINELS: 'a:99999', REDIS_SENTINEL_NAME: 'rune' }, 'REDIS_SENTINELS');
    fails({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'ru ne' }, 'REDIS_SENTINEL_NAME');
    fails({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'rune', REDIS_CLUSTER_NODES: 'b:2' }, 'REDIS_SENTINELS');
  });

  it('a single Redis waits for no replica unless REDIS_MIN_REPLICAS_ACKED says so; LOGIN_MAX_CONCURRENT is checked', () => {
    expect(loadConfig(base).redis.minReplicasAcked).to.equal(0);
    expect(loadConfig({ ...base, REDIS_MIN_REPLICAS_ACKED: '2' }).redis.minReplicasAcked).to.equal(2);
    fails({ REDIS_MIN_REPLICAS_ACKED: '-1' }, 'REDIS_MIN_REPLICAS_ACKED');
    fails({ REDIS_MIN_REPLICAS_ACKED: '1', REDIS_CLUSTER_NODES: 'b:2' }, 'REDIS_MIN_REPLICAS_ACKED');
    fails({ REDIS_WAIT_TIMEOUT_MS: '5' }, 'REDIS_WAIT_TIMEOUT_MS');
    expect(loadConfig(base).login.maxConcurrent).to.be.at.least(1);
    expect(loadConfig({ ...base, LOGIN_MAX_CONCURRENT: '3' }).login.maxConcurrent).to.equal(3);
    fails({ LOGIN_MAX_CONCURRENT: '0' }, 'LOGIN_MAX_CONCURRENT');
  });
});

describe('redis HA: a security write no replica confirms', function () {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ REDIS_MIN_REPLICAS_ACKED: '1', REDIS_WAIT_TIMEOUT_MS: '50' }, { workers: false });
  });
  after(() => server.close());

  it('answers 503 replica_unconfirmed with Retry-After; the write was made on the primary, and reads and sign-in still work', async () => {
    const api = client(server.url);
    const setup = await api.post('/api/v1/setup', { name: 'Root', email: 'root@corp.test', password: ADMIN_PASSWORD });
    expect(setup.status, setup.text).to.equal(503);
    expect(setup.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(setup.body).to.include({ code: 'replica_unconfirmed', status: 503 });
    expect(setup.headers.get('retry-after')).to.equal('1');
    // Made on the primary, only unconfirmed: the admin exists and signs in (sessions do not wait).
    const login = await api.post('/auth/login', { email: 'root@corp.test', password: ADMIN_PASSWORD });
    expect(login.status, login.text).to.equal(200);
    const token = login.body.token as string;
    const created = await api.post('/api/v1/users', { name: 'Una', email: 'una@corp.test', role: 'user' }, { token });
    expect(created.status, created.text).to.equal(503);
    expect(created.body.code).to.equal('replica_unconfirmed');
    const listed = await api.get('/api/v1/users?q=una', { token });
    expect(listed.status).to.equal(200);
    expect(listed.body.total, 'the unconfirmed create is on the primary').to.equal(1);
    const una = listed.body.users[0].id as string;
    // The same deactivation twice: each is made, each unconfirmed, neither a different answer.
    for (let i = 0; i < 2; i++) {
      const off = await api.post(`/api/v1/users/${una}/deactivate`, undefined, { token });
      expect(off.status, off.text).to.equal(503);
      expect(off.body.code).to.equal('replica_unconfirmed');
    }
    expect((await api.get(`/api/v1/users/${una}`, { token })).body.user.status).to.equal('inactive');
  });

  it('a SCIM group write (a membership change can be a role change) waits for a replica too', async () => {
    const api = client(server.url);
    const login = await api.post('/auth/login', { email: 'root@corp.test', password: ADMIN_PASSWORD });
    expect(login.status, login.text).to.equal(200);
    const issued = await api.post('/api/v1/scim-tokens', { name: 'Okta' }, { token: login.body.token });
    expect(issued.status, issued.text).to.equal(201);
    const scim = { authorization: `Bearer ${issued.body.token}`, 'content-type': 'application/scim+json' };
    const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Rune Admins', members: [] };
    const created = await fetch(`${server.url}/scim/v2/Groups`, {
      method: 'POST',
      headers: scim,
      body: JSON.stringify(group),
    });
    expect(created.status).to.equal(503);
    expect(created.headers.get('content-type')).to.match(/^application\/scim\+json/);
    const body = (await created.json()) as { schemas: string[]; status: string };
    expect(body.schemas).to.deep.equal(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect(body.status).to.equal('503');
  });
});
