import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.js';
import { client, type Client } from '../support/http.js';
import { setUpAdmin, onboardUser } from '../support/journeys.js';

const PASSWORD = 'quartz meadow pilot 19';
const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

// These tests play a proxy on the same host (TRUST_PROXY=loopback), so they may say which client
// each request is from; by default X-Forwarded-For is ignored (test/security/origins-and-proxies).
describe('auth: sign-in rate limits', () => {
  let server: TestServer;
  let api: Client;
  before(async () => {
    server = await startTestServer({ LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_SECONDS: '2', TRUST_PROXY: 'loopback' });
    api = client(server.url);
    const admin = await setUpAdmin(api);
    await onboardUser(api, admin.token, { name: 'Rita Limited', email: 'rita@corp.test' }, PASSWORD);
  });
  after(() => server.close());

  it('answers 429 rate_limited with Retry-After after repeated failures, even to the right password, then recovers', async () => {
    for (let i = 0; i < 3; i++) {
      expect(
        (await api.post('/auth/login', { email: 'rita@corp.test', password: `wrong guess ${i}` }, from('203.0.113.5')))
          .status,
      ).to.equal(401);
    }
    const limited = await api.post('/auth/login', { email: 'rita@corp.test', password: PASSWORD }, from('203.0.113.5'));
    expect(limited.status).to.equal(429);
    expect(limited.body.code).to.equal('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 2);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(
      (await api.post('/auth/login', { email: 'rita@corp.test', password: PASSWORD }, from('203.0.113.5'))).status,
    ).to.equal(200);
  });
});

describe('auth: sign-in rate limits across addresses', () => {
  let server: TestServer;
  let api: Client;
  before(async () => {
    server = await startTestServer({ LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_SECONDS: '60', TRUST_PROXY: 'loopback' });
    api = client(server.url);
    const admin = await setUpAdmin(api);
    await onboardUser(api, admin.token, { name: 'Rita Limited', email: 'rita@corp.test' }, PASSWORD);
  });
  after(() => server.close());

  it('slows a distributed attack on one account down without locking the owner out of their usual network', async () => {
    expect(
      (await api.post('/auth/login', { email: 'rita@corp.test', password: PASSWORD }, from('192.0.2.10'))).status,
    ).to.equal(200);
    // 30 failures (the per-account limit) from 30 addresses, one each.
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        api.post('/auth/login', { email: 'rita@corp.test', password: `spray ${i}` }, from(`198.18.0.${i + 1}`)),
      ),
    );
    // Past it, an address that keeps guessing gets one attempt and then waits, even with the right password.
    expect(
      (await api.post('/auth/login', { email: 'rita@corp.test', password: 'one more' }, from('198.18.0.1'))).status,
    ).to.equal(401);
    const stranger = await api.post('/auth/login', { email: 'rita@corp.test', password: PASSWORD }, from('198.18.0.1'));
    expect(stranger.status).to.equal(429);
    expect(stranger.body.code).to.equal('rate_limited');
    const owner = await api.post('/auth/login', { email: 'rita@corp.test', password: PASSWORD }, from('192.0.2.10'));
    expect(owner.status).to.equal(200);
  });
});
