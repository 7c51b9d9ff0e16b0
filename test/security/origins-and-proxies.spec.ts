import { request } from 'node:http';
import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../config/index.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { client, type Client } from '../support/http.js';
import { setUpAdmin, ADMIN_PASSWORD } from '../support/journeys.js';

// Issue 9, findings 9 and 13: client addresses and our own origins come from configuration,
// never from what a request says about itself.

/** A POST with headers fetch() would not send as given (Host). */
function rawPost(url: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, url),
      { method: 'POST', headers: { 'content-length': '0', ...headers } },
      (res) => {
        res.resume();
        resolve(res.statusCode!);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('security: X-Forwarded-For and TRUST_PROXY', () => {
  let server: TestServer;
  let api: Client;
  before(async () => {
    server = await startTestServer({ LOGIN_MAX_FAILURES: '5', LOGIN_LOCKOUT_SECONDS: '300' });
    api = client(server.url);
    await setUpAdmin(api);
  });
  after(() => server.close());

  it('X-Forwarded-For is ignored by default', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const reply = await api.post(
        '/auth/login',
        { email: 'root@corp.test', password: `rotating ${i}` },
        { headers: { 'x-forwarded-for': `198.51.100.${i}` } },
      );
      statuses.push(reply.status);
    }
    // Every attempt counts against the one real address, whatever address it claims.
    expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 429, 429]);
    // The right password waits too, whatever fresh address it claims to come from.
    const claimed = await api.post(
      '/auth/login',
      { email: 'root@corp.test', password: ADMIN_PASSWORD },
      { headers: { 'x-forwarded-for': '127.0.0.1' } },
    );
    expect(claimed.status).to.equal(429);
  });

  it('trusts no proxy unless TRUST_PROXY says which', () => {
    expect(loadConfig({}).trustProxy).to.equal(false);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8' }).trustProxy).to.equal('10.0.0.0/8');
  });
});

describe('security: cookie-borne requests from our own origins only (CSRF)', () => {
  let server: TestServer;
  let api: Client;
  before(async () => {
    server = await startTestServer({
      PUBLIC_URL: 'https://id.corp.test',
      ALLOWED_ORIGINS: 'https://admin.corp.test, https://console.corp.test:8443',
    });
    api = client(server.url);
    await setUpAdmin(api);
  });
  after(() => server.close());

  const cookieSession = async () => {
    const login = await api.post('/auth/login', { email: 'root@corp.test', password: ADMIN_PASSWORD });
    return login.headers.get('set-cookie')!.split(';')[0]!;
  };

  it("a cookie-borne POST with Origin equal to a foreign Host header is refused; with PUBLIC_URL's origin or an ALLOWED_ORIGINS entry it passes", async () => {
    const cookie = await cookieSession();
    // The attacker's page names itself in both Host and Origin: the service answers on any Host.
    expect(
      await rawPost(server.url, '/auth/logout', { cookie, host: 'evil.test', origin: 'http://evil.test' }),
    ).to.equal(403);
    // The address the server happens to listen on is not one of our origins either.
    const own = new URL(server.url);
    expect(await rawPost(server.url, '/auth/logout', { cookie, host: own.host, origin: own.origin })).to.equal(403);
    expect(
      await rawPost(server.url, '/auth/logout', { cookie, host: 'evil.test', referer: 'http://evil.test/page' }),
    ).to.equal(403);
    expect((await api.get('/auth/session', { cookie })).status, 'refused requests leave the session alone').to.equal(
      200,
    );

    expect(await rawPost(server.url, '/auth/logout', { cookie, origin: 'https://id.corp.test' })).to.equal(204);
    expect(
      await rawPost(server.url, '/auth/logout', { cookie: await cookieSession(), origin: 'https://admin.corp.test' }),
    ).to.equal(204);
    expect(
      await rawPost(server.url, '/auth/logout', {
        cookie: await cookieSession(),
        referer: 'https://console.corp.test:8443/admin/users',
      }),
    ).to.equal(204);
    // A bearer token is not sent by browsers on their own, so it needs no Origin.
    const login = await api.post('/auth/login', { email: 'root@corp.test', password: ADMIN_PASSWORD });
    expect(
      (await api.post('/auth/logout', undefined, { token: login.body.token, headers: { origin: 'http://evil.test' } }))
        .status,
    ).to.equal(204);
  });

  it('ALLOWED_ORIGINS takes bare origins only; anything else stops the start, naming it', () => {
    expect(
      loadConfig({ ALLOWED_ORIGINS: 'https://admin.example.com,http://localhost:8080/' }).allowedOrigins,
    ).to.deep.equal(['https://admin.example.com', 'http://localhost:8080']);
    expect(loadConfig({}).allowedOrigins).to.deep.equal([]);
    for (const bad of [
      'https://admin.example.com/console',
      '*',
      'admin.example.com',
      'ftp://files.example.com',
      'https://a.example.com,https://b.example.com?x=1',
      'HTTPS://Admin.Example.com',
    ]) {
      expect(() => loadConfig({ ALLOWED_ORIGINS: bad }), bad).to.throw(ConfigError, 'ALLOWED_ORIGINS');
    }
  });
});
