import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.js';
import { client, type Client } from '../support/http.js';
import { setUpAdmin } from '../support/journeys.js';
import { REDIS_URL } from '../support/redis.js';
import { runCli, lines } from './run-cli.js';

// The CLI and a real server on one prefix: what the CLI does is what the API then shows.
describe('cli: users @slow', function () {
  this.timeout(90_000);
  let server: TestServer;
  let api: Client;
  let admin: { token: string; id: string; email: string };
  let env: Record<string, string>;
  before(async () => {
    server = await startTestServer();
    api = client(server.url);
    admin = await setUpAdmin(api);
    env = { REDIS_URL, REDIS_PREFIX: server.config.redis.prefix };
  });
  after(() => server.close());

  const createUser = async (email: string, role = 'user') => {
    const created = await api.post('/api/v1/users', { name: 'Cli Subject', email, role }, { token: admin.token });
    expect(created.status, created.text).to.equal(201);
    return { id: created.body.user.id as string, temporaryPassword: created.body.temporaryPassword as string };
  };

  it("users deactivate of the last active admin is refused with the API's code, last_active_admin, in one line (rc 1)", async () => {
    const run = await runCli(['users', 'deactivate', admin.email], env);
    expect(run.code).to.equal(1);
    expect(lines(run.stderr)).to.have.length(1);
    expect(run.stderr).to.match(/^rune-directory: last_active_admin: \S/);
    expect((await api.get(`/api/v1/users/${admin.id}`, { token: admin.token })).body.user.status).to.equal('active');
  });

  it('users reset-password shows a new temporary password once; old sessions end; signing in with it must change it', async () => {
    const user = await createUser('reset.me@corp.test');
    const before = await api.post('/auth/login', { email: 'reset.me@corp.test', password: user.temporaryPassword });
    expect(before.status).to.equal(200);

    const run = await runCli(['users', 'reset-password', 'reset.me@corp.test', '--json'], env);
    expect(run.code, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout);
    expect(out.temporaryPassword)
      .to.match(/^[A-Za-z0-9]{16}$/)
      .and.not.to.equal(user.temporaryPassword);
    expect(out.user).to.include({ id: user.id, mustChangePassword: true, activeSessions: 0 });

    expect((await api.get('/auth/session', { token: before.body.token })).status).to.equal(401);
    expect(
      (await api.post('/auth/login', { email: 'reset.me@corp.test', password: user.temporaryPassword })).status,
    ).to.equal(401);
    const signIn = await api.post('/auth/login', { email: 'reset.me@corp.test', password: out.temporaryPassword });
    expect(signIn.status, signIn.text).to.equal(200);
    expect(signIn.body.mustChangePassword).to.equal(true);
    expect((await api.get('/api/v1/users', { token: signIn.body.token })).body.code).to.equal(
      'password_change_required',
    );
  });

  it('users list --json answers exactly what GET /api/v1/users answers, filters included', async () => {
    const [all, apiAll] = [
      await runCli(['users', 'list', '--json'], env),
      await api.get('/api/v1/users', { token: admin.token }),
    ];
    expect(all.code, all.stderr).to.equal(0);
    expect(JSON.parse(all.stdout)).to.deep.equal(apiAll.body);
    const admins = await runCli(['users', 'list', '--role', 'admin', '--limit', '1', '--json'], env);
    expect(JSON.parse(admins.stdout)).to.deep.equal(
      (await api.get('/api/v1/users?role=admin&limit=1', { token: admin.token })).body,
    );
  });

  it('users list prints a table with the last login, or "never"', async () => {
    const run = await runCli(['users', 'list', '--q', 'reset.me@corp.test'], env);
    expect(run.code, run.stderr).to.equal(0);
    const [header, row] = lines(run.stdout);
    expect(header).to.match(/^NAME\s+EMAIL\s+ROLE\s+STATUS\s+KIND\s+LAST LOGIN$/);
    expect(row).to.match(
      /^Cli Subject\s+reset\.me@corp\.test\s+user\s+active\s+password\s+\d{4}-\d\d-\d\d \d\d:\d\dZ$/,
    );
  });

  it("users deactivate ends the user's sessions at once and queues the clean-up; activate and set-role work by id or email", async () => {
    const user = await createUser('cycle@corp.test');
    const session = await api.post('/auth/login', { email: 'cycle@corp.test', password: user.temporaryPassword });

    const deactivated = await runCli(['users', 'deactivate', user.id, '--json'], env);
    expect(deactivated.code, deactivated.stderr).to.equal(0);
    const out = JSON.parse(deactivated.stdout);
    expect(out.user).to.include({ id: user.id, status: 'inactive', activeSessions: 0 });
    expect(out.cleanUpJob).to.match(/^deactivation:\d+$/);
    expect((await api.get('/auth/session', { token: session.body.token })).status).to.equal(401);

    expect((await runCli(['users', 'activate', 'cycle@corp.test'], env)).code).to.equal(0);
    const promoted = await runCli(['users', 'set-role', 'cycle@corp.test', 'admin'], env);
    expect(promoted.stdout).to.include('is now an admin');
    expect((await api.get(`/api/v1/users/${user.id}`, { token: admin.token })).body.user).to.include({
      status: 'active',
      role: 'admin',
    });
  });

  it('users delete asks for --yes when nobody can answer a prompt, then deletes; a signed-in user is refused', async () => {
    const user = await createUser('gone@corp.test');
    const unconfirmed = await runCli(['users', 'delete', 'gone@corp.test'], env);
    expect(unconfirmed.code).to.equal(2);
    expect(lines(unconfirmed.stderr)).to.deep.equal([
      'rune-directory: deleting Cli Subject <gone@corp.test> cannot be undone: add --yes to confirm',
    ]);
    expect((await api.get(`/api/v1/users/${user.id}`, { token: admin.token })).status).to.equal(200);

    const session = await api.post('/auth/login', { email: 'gone@corp.test', password: user.temporaryPassword });
    expect(session.status).to.equal(200);
    const refused = await runCli(['users', 'delete', 'gone@corp.test', '--yes'], env);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.match(/^rune-directory: active_sessions: /);

    await api.post('/auth/logout', undefined, { token: session.body.token });
    const deleted = await runCli(['users', 'delete', 'gone@corp.test', '--yes', '--json'], env);
    expect(deleted.code, deleted.stderr).to.equal(0);
    expect(JSON.parse(deleted.stdout)).to.deep.equal({ deleted: { id: user.id, email: 'gone@corp.test' } });
    expect((await api.get(`/api/v1/users/${user.id}`, { token: admin.token })).status).to.equal(404);
  });

  it("users show answers the API's { user }, and an unknown user is one not_found line (rc 1)", async () => {
    const shown = await runCli(['users', 'show', admin.email, '--json'], env);
    expect(JSON.parse(shown.stdout)).to.deep.equal(
      (await api.get(`/api/v1/users/${admin.id}`, { token: admin.token })).body,
    );
    const missing = await runCli(['users', 'show', 'nobody@corp.test'], env);
    expect(missing.code).to.equal(1);
    expect(lines(missing.stderr)).to.have.length(1);
    expect(missing.stderr).to.match(/^rune-directory: not_found: /);
  });

  it("audit --limit 5 --json lists the CLI's own changes, newest first, with source cli", async () => {
    const run = await runCli(['audit', '--limit', '5', '--json'], env);
    expect(run.code, run.stderr).to.equal(0);
    const { events } = JSON.parse(run.stdout) as {
      events: { at: string; source: string; action: string; target: string }[];
    };
    expect(events).to.have.length(5);
    const times = events.map((e) => Date.parse(e.at));
    expect(times).to.deep.equal([...times].sort((a, b) => b - a));
    // The previous test's deletion, by the CLI, is among the newest events.
    expect(events.find((e) => e.action === 'user.deleted')).to.include({ source: 'cli' });
    expect(events.filter((e) => e.source === 'cli').length).to.be.greaterThan(0);
  });
});
