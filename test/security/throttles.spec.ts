import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.js';
import { client, type Client, type Reply } from '../support/http.js';
import { setUpAdmin, onboardUser } from '../support/journeys.js';

// Issue 9, findings 7, 8, 12 and 14c: every attempt is counted before it is checked.

const PASSWORD = 'granite harbour violet 42';
const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
const statuses = (replies: Reply[]) =>
  replies.reduce<Record<number, number>>((n, r) => ({ ...n, [r.status]: (n[r.status] ?? 0) + 1 }), {});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function suiteServer(env: Record<string, string>) {
  const suite = {} as { server: TestServer; api: Client; admin: { token: string; id: string } };
  before(async () => {
    suite.server = await startTestServer({ LOGIN_LOCKOUT_SECONDS: '300', ...env });
    suite.api = client(suite.server.url);
    suite.admin = await setUpAdmin(suite.api);
  });
  after(() => suite.server.close());
  return suite;
}

describe('security: sign-in throttles count before they check', () => {
  const t = suiteServer({});

  it('40 parallel wrong passwords for one account from one address: at most LOGIN_MAX_FAILURES are checked, the rest 429', async () => {
    await onboardUser(t.api, t.admin.token, { name: 'Rae Raced', email: 'rae@corp.test' }, PASSWORD);
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        t.api.post('/auth/login', { email: 'rae@corp.test', password: `guess number ${i}` }),
      ),
    );
    expect(statuses(replies)).to.deep.equal({ 401: 5, 429: 35 });
    for (const limited of replies.filter((r) => r.status === 429)) {
      expect(limited.body.code).to.equal('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 300);
    }
    // The right password from the same address waits too.
    expect((await t.api.post('/auth/login', { email: 'rae@corp.test', password: PASSWORD })).status).to.equal(429);
  });

  it("an SSO account's email is throttled like any other before sso_required is answered", async () => {
    await t.server.runtime.directory.createUser(
      { name: 'Sid Sso', email: 'sid@corp.test', role: 'user', kind: 'sso' },
      { source: 'system' },
    );
    const codes: string[] = [];
    for (let i = 0; i < 7; i++)
      codes.push((await t.api.post('/auth/login', { email: 'sid@corp.test', password: `probe ${i}` })).body.code);
    expect(codes).to.deep.equal([...Array(5).fill('sso_required'), 'rate_limited', 'rate_limited']);
  });
});

describe('security: the per-account limit slows strangers down and never locks the owner out', () => {
  // The test plays a proxy on the same host, so it may say which client each request is from;
  // cheap hashing keeps its 150 sign-in attempts quick.
  const t = suiteServer({ TRUST_PROXY: 'loopback', ARGON2_MEMORY_KIB: '8192', ARGON2_TIME_COST: '1' });
  const spray = async (email: string, addresses: string[]) => {
    for (let at = 0; at < addresses.length; at += 10) {
      await Promise.all(
        addresses
          .slice(at, at + 10)
          .map((ip, i) => t.api.post('/auth/login', { email, password: `spray ${at + i}` }, from(ip))),
      );
    }
  };
  const attempt = (email: string, password: string, ip: string) =>
    t.api.post('/auth/login', { email, password }, from(ip));

  it('failures from many addresses slow unknown addresses down but never lock the owner out of their usual network, and a never-signed-in user can still sign in from a fresh address', async () => {
    await onboardUser(t.api, t.admin.token, { name: 'Olga Owner', email: 'olga@corp.test' }, PASSWORD);
    expect((await attempt('olga@corp.test', PASSWORD, '192.0.2.10')).status).to.equal(200);
    const created = await t.api.post(
      '/api/v1/users',
      { name: 'Nina Newcomer', email: 'nina@corp.test', role: 'user' },
      { token: t.admin.token },
    );

    // 50 failures (the per-account limit, 10 x LOGIN_MAX_FAILURES) from 50 addresses, one each.
    await spray(
      'olga@corp.test',
      Array.from({ length: 50 }, (_, i) => `198.18.0.${i + 1}`),
    );
    // Past the limit an attacker's address gets one attempt, then waits 2^n seconds, n growing.
    expect((await attempt('olga@corp.test', 'one more guess', '198.18.0.1')).status).to.equal(401);
    const slowed = await attempt('olga@corp.test', 'and another', '198.18.0.1');
    expect(slowed.status).to.equal(429);
    expect(slowed.body.code).to.equal('rate_limited');
    const firstWait = Number(slowed.headers.get('retry-after'));
    expect(firstWait).to.be.within(1, 2);
    await sleep(firstWait * 1000 + 100);
    expect((await attempt('olga@corp.test', 'after waiting', '198.18.0.1')).status).to.equal(401);
    const longer = Number((await attempt('olga@corp.test', 'again', '198.18.0.1')).headers.get('retry-after'));
    expect(longer).to.be.greaterThan(firstWait).and.at.most(8);
    // The right password from that address waits as well; from the owner's usual network it just works.
    expect((await attempt('olga@corp.test', PASSWORD, '198.18.0.1')).status).to.equal(429);
    expect((await attempt('olga@corp.test', PASSWORD, '192.0.2.10')).status).to.equal(200);

    // The delay stops growing at 20 minutes: a stranger gets at most three attempts an hour.
    await spray(
      'olga@corp.test',
      Array.from({ length: 12 }, (_, i) => `198.18.1.${i + 1}`),
    );
    expect((await attempt('olga@corp.test', 'late guess', '198.18.2.1')).status).to.equal(401);
    expect(
      Number((await attempt('olga@corp.test', 'late guess 2', '198.18.2.1')).headers.get('retry-after')),
    ).to.be.within(1190, 1200);

    // Nina never signed in, so no address is known for her; one that has not failed still works.
    await spray(
      'nina@corp.test',
      Array.from({ length: 60 }, (_, i) => `198.19.0.${i + 1}`),
    );
    const first = await attempt('nina@corp.test', created.body.temporaryPassword, '203.0.113.77');
    expect(first.status, first.text).to.equal(200);
    expect(first.body.mustChangePassword).to.equal(true);
  });
});

describe('security: POST /auth/password counts wrong current passwords', () => {
  const t = suiteServer({});

  it('twelve wrong currentPasswords end in 429', async () => {
    await onboardUser(t.api, t.admin.token, { name: 'Carl Changer', email: 'carl@corp.test' }, PASSWORD);
    const login = await t.api.post('/auth/login', { email: 'carl@corp.test', password: PASSWORD });
    const replies: Reply[] = [];
    for (let i = 0; i < 12; i++) {
      replies.push(
        await t.api.post(
          '/auth/password',
          { currentPassword: `not it ${i}`, newPassword: 'a brand new secret 9' },
          { token: login.body.token },
        ),
      );
    }
    expect(replies.map((r) => r.status)).to.deep.equal([...Array(5).fill(400), ...Array(7).fill(429)]);
    expect(replies[11]!.body.code).to.equal('rate_limited');
    expect(Number(replies[11]!.headers.get('retry-after'))).to.be.within(1, 300);
    // While limited, even the right current password is not checked, and it stays unchanged.
    expect(
      (
        await t.api.post(
          '/auth/password',
          { currentPassword: PASSWORD, newPassword: 'a brand new secret 9' },
          { token: login.body.token },
        )
      ).status,
    ).to.equal(429);
    expect((await t.api.post('/auth/login', { email: 'carl@corp.test', password: PASSWORD })).status).to.equal(200);
  });

  it('parallel wrong currentPasswords: at most LOGIN_MAX_FAILURES are checked', async () => {
    await onboardUser(t.api, t.admin.token, { name: 'Pia Parallel', email: 'pia@corp.test' }, PASSWORD);
    const login = await t.api.post('/auth/login', { email: 'pia@corp.test', password: PASSWORD });
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.api.post(
          '/auth/password',
          { currentPassword: `wrong ${i}`, newPassword: 'a brand new secret 9' },
          { token: login.body.token },
        ),
      ),
    );
    expect(statuses(replies)).to.deep.equal({ 400: 5, 429: 15 });
  });

  it('a right current password starts the count again', async () => {
    await onboardUser(t.api, t.admin.token, { name: 'Rick Right', email: 'rick@corp.test' }, PASSWORD);
    const login = await t.api.post('/auth/login', { email: 'rick@corp.test', password: PASSWORD });
    const change = (currentPassword: string, newPassword: string) =>
      t.api.post('/auth/password', { currentPassword, newPassword }, { token: login.body.token });
    for (let i = 0; i < 4; i++) expect((await change(`typo ${i}`, 'a brand new secret 9')).status).to.equal(400);
    expect((await change(PASSWORD, 'a brand new secret 9')).status).to.equal(200);
    for (let i = 0; i < 5; i++) expect((await change(`typo again ${i}`, 'another new secret 8')).status).to.equal(400);
    expect((await change('a brand new secret 9', 'another new secret 8')).status).to.equal(429);
  });
});
