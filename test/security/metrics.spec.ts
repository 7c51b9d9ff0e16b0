import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.js';
import { client } from '../support/http.js';
import { spawnServer, type ServerProcess } from '../support/server-process.js';

// Finding 1's crash mechanism (a throw in a response's finish handler killed the process) and
// 14b (/metrics open to anyone).

const FAULTS = './test/support/response-faults.ts';
const waitFor = async (check: () => boolean, ms = 3000) => {
  for (const until = Date.now() + ms; !check() && Date.now() < until;) await new Promise((r) => setTimeout(r, 20));
};

describe('security: no finish handler can kill the process', function () {
  // Each test starts a real server process (tsx compiling on a shared machine).
  this.timeout(90_000);
  let server: ServerProcess;
  afterEach(() => server?.close());

  it('a throw inside a finish handler is logged and the server keeps answering', async () => {
    server = await spawnServer({ preload: [FAULTS] });
    const api = client(server.url);
    expect((await api.get('/api/v1/openapi.json?fault=finish')).status).to.equal(200);
    await waitFor(() => server.output().includes('still serving'));
    const line = server
      .output()
      .split('\n')
      .find((l) => l.includes('still serving'))!;
    expect(line, server.output()).to.include('fault injected into a finish listener');
    expect((await api.get('/healthz')).status).to.equal(200);
    expect(server.child.exitCode).to.equal(null);
  });

  it('a polluted Object.prototype at the end of a request neither crashes the server nor loses the count', async () => {
    server = await spawnServer({ preload: [FAULTS] });
    const api = client(server.url);
    // A route the metrics count (health probes are answered before them).
    expect((await api.get('/api/v1/openapi.json?fault=pollute')).status).to.equal(200);
    expect((await api.get('/readyz')).status).to.equal(200);
    const metrics = await api.get('/metrics');
    expect(metrics.status).to.equal(200);
    expect(metrics.text).to.include(
      'rune_http_requests_total{method="GET",route="/api/v1/openapi.json",status="200"} 1',
    );
    expect(metrics.text).not.to.include('polluted');
    expect(server.output()).not.to.include('still serving');
  });

  it("an uncaught error that is not a response listener's exits non-zero after one log line", async () => {
    server = await spawnServer({ preload: [FAULTS] });
    await client(server.url).get('/healthz?fault=elsewhere');
    expect(await server.exited()).to.equal(1);
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.includes('fault injected outside any response'));
    expect(lines, server.output()).to.have.length(1);
    expect(lines[0]).to.include('"level":60');
  });
});

describe('security: /metrics can be protected', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('/metrics needs METRICS_TOKEN when set', async () => {
    const token = 'metrics-token-0123456789abcdef';
    server = await startTestServer({ METRICS_TOKEN: token }, { workers: false });
    const api = client(server.url);
    const anonymous = await api.get('/metrics');
    expect(anonymous.status).to.equal(401);
    expect(anonymous.headers.get('www-authenticate')).to.match(/^Bearer/);
    expect(anonymous.text).not.to.include('rune_users');
    expect((await api.get('/metrics', { token: `${token}x` })).status).to.equal(401);
    expect((await api.get('/metrics', { token: token.slice(0, -1) })).status).to.equal(401);
    const scraped = await api.get('/metrics', { token });
    expect(scraped.status).to.equal(200);
    expect(scraped.text).to.include('rune_users{status="active"} 0');
  });

  it('METRICS_PORT serves metrics on its own port only', async () => {
    server = await startTestServer({ METRICS_PORT: '0' }, { workers: false });
    expect(server.metricsUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.metricsUrl).not.to.equal(server.url);
    const main = await client(server.url).get('/metrics');
    expect(main.status).to.equal(404);
    expect(main.text).not.to.include('rune_users');
    const own = client(server.metricsUrl!);
    const scraped = await own.get('/metrics');
    expect(scraped.status).to.equal(200);
    expect(scraped.text).to.include('rune_users{status="active"} 0');
    expect((await own.get('/healthz')).status).to.equal(404);
    expect((await own.get('/api/v1/users')).status).to.equal(404);
  });
});
