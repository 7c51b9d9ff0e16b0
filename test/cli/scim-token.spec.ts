import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.js';
import { client, type Client } from '../support/http.js';
import { setUpAdmin } from '../support/journeys.js';
import { REDIS_URL } from '../support/redis.js';
import { runCli, lines } from './run-cli.js';

describe('cli: scim-token @slow', function () {
  this.timeout(90_000);
  let server: TestServer;
  let api: Client;
  let admin: { token: string };
  let env: Record<string, string>;
  before(async () => {
    server = await startTestServer({}, { workers: false });
    api = client(server.url);
    admin = await setUpAdmin(api);
    env = { REDIS_URL, REDIS_PREFIX: server.config.redis.prefix };
  });
  after(() => server.close());

  it('a token revoked from the CLI is refused (401) by a server that had it cached, within a moment', async () => {
    const created = await runCli(['scim-token', 'create', '--name', 'Okta', '--json'], env);
    expect(created.code, created.stderr).to.equal(0);
    const { id, token } = JSON.parse(created.stdout) as { id: string; token: string };
    // Verified once, so the server holds it in its token cache.
    expect((await api.get('/scim/v2/Users?count=1', { token })).status).to.equal(200);

    const revoked = await runCli(['scim-token', 'revoke', id, '--json'], env);
    expect(revoked.code, revoked.stderr).to.equal(0);
    expect(JSON.parse(revoked.stdout)).to.deep.equal({ revoked: { id } });
    let status = 200;
    const started = Date.now();
    while (status === 200 && Date.now() - started < 2000) {
      status = (await api.get('/scim/v2/Users?count=1', { token })).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).to.equal(401);

    const audit = await api.get('/api/v1/audit?limit=5', { token: admin.token });
    expect(audit.body.events.find((e: { action: string }) => e.action === 'scim_token.revoked')).to.include({
      source: 'cli',
      target: id,
    });
  });

  it('scim-token list --json answers what GET /api/v1/scim-tokens answers, and never a token', async () => {
    const created = JSON.parse((await runCli(['scim-token', 'create', '--name', 'Entra', '--json'], env)).stdout) as {
      token: string;
    };
    const listed = await runCli(['scim-token', 'list', '--json'], env);
    expect(listed.code, listed.stderr).to.equal(0);
    expect(JSON.parse(listed.stdout)).to.deep.equal(
      (await api.get('/api/v1/scim-tokens', { token: admin.token })).body,
    );
    expect(listed.stdout).not.to.include(created.token);
    const table = await runCli(['scim-token', 'list'], env);
    expect(lines(table.stdout)[0]).to.match(/^NAME\s+ID\s+CREATED\s+LAST USED$/);
    expect(table.stdout).to.include('Entra').and.not.to.include(created.token);
  });

  it('revoking a token that does not exist is one not_found line (rc 1)', async () => {
    const run = await runCli(['scim-token', 'revoke', '00000000-0000-4000-8000-000000000000'], env);
    expect(run.code).to.equal(1);
    expect(lines(run.stderr)).to.have.length(1);
    expect(run.stderr).to.match(/^rune-directory: not_found: /);
  });
});
