import { expect } from 'chai';
import { mkdtempSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/own-redis.js';
import { client } from '../support/http.js';
import { setUpAdmin, ADMIN_PASSWORD } from '../support/journeys.js';
import { runCli, npmStart, buildOnce, envWithoutRedis, LISTENING, isAlive, type CliProcess } from './cli-process.js';

// The machine's real 6379 may hold CI's Redis, which this test cannot free: REDIS_DEFAULT_URL
// (where serve looks for a local Redis when REDIS_URL is unset) points at a port nothing uses.

const STARTED_OWN = /"redisPid":(\d+)[^\n]*started its own Redis/;

describe('startup: an embedded Redis when none is configured @slow', function () {
  this.timeout(90_000);
  let dataDir: string;
  before(async function () {
    this.timeout(180_000);
    const started = Date.now();
    await buildOnce();
    console.log(`      (npm run build: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  });
  let env: Record<string, string>;
  const running: CliProcess[] = [];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'rune-data-'));
    env = { ...envWithoutRedis(), DATA_DIR: dataDir, REDIS_DEFAULT_URL: `redis://127.0.0.1:${await freePort()}` };
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const serve = async (how: 'npm start' | 'tsx' = 'npm start') => {
    const process = how === 'npm start' ? npmStart(env) : runCli(['serve'], env);
    running.push(process);
    const redisPid = Number((await process.waitFor(STARTED_OWN))[1]);
    const url = (await process.waitFor(LISTENING))[1]!;
    return { process, redisPid, url };
  };

  // npm forwards SIGTERM to the service, then ends itself by the same signal once it has exited.
  const stopsCleanly = async (serving: CliProcess) => {
    expect(await serving.stop('SIGTERM')).to.be.oneOf([0, 'SIGTERM']);
    expect(serving.stdout()).to.include('stopped its own Redis');
  };

  it('with REDIS_URL unset and nothing on the default port, npm start brings up its own Redis, keeps a user across a restart, and stops it on SIGTERM', async () => {
    const first = await serve();
    expect(first.process.stdout().match(/started its own Redis/g)).to.have.length(1);
    expect(first.process.stdout()).to.include(join(dataDir, 'redis'));
    const api = client(first.url);
    expect((await api.get('/readyz')).status).to.equal(200);
    const admin = await setUpAdmin(api, 'keeper@corp.test', 'Kept Across Restarts');

    await stopsCleanly(first.process);
    expect(isAlive(first.redisPid), 'the child redis-server outlived the service').to.equal(false);

    const second = await serve();
    expect(second.redisPid).to.not.equal(first.redisPid);
    const again = client(second.url);
    const login = await again.post('/auth/login', { email: admin.email, password: ADMIN_PASSWORD });
    expect(login.status, login.text).to.equal(200);
    const users = await again.get('/api/v1/users', { token: login.body.token });
    expect(users.body.users.map((u: { email: string }) => u.email)).to.include('keeper@corp.test');
    await stopsCleanly(second.process);
    expect(isAlive(second.redisPid)).to.equal(false);
  });

  it('a SIGKILLed service leaves no redis-server behind (the watchdog sees its pipe close), and the next start takes the data dir over', async () => {
    const { process, redisPid } = await serve('tsx');
    expect(isAlive(redisPid)).to.equal(true);
    await process.stop('SIGKILL');
    const deadline = Date.now() + 5000;
    while (isAlive(redisPid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isAlive(redisPid), 'redis-server outlived a SIGKILLed service').to.equal(false);
    // What it left in DATA_DIR (its claim on it, a socket) does not stop the next start.
    const again = await serve('tsx');
    expect((await client(again.url).get('/readyz')).status).to.equal(200);
  });

  it('a second serve on the same DATA_DIR refuses in one line naming the first, and leaves its Redis alone', async () => {
    const first = await serve();
    const second = runCli(['serve'], env);
    running.push(second);
    expect(await second.exited).to.equal(1);
    const stderr = second.stderr().trim();
    expect(stderr.split('\n'), stderr).to.have.length(1);
    expect(stderr).to.match(/DATA_DIR .* is in use by another rune-directory serve \(pid \d+\)/);
    expect(isAlive(first.redisPid)).to.equal(true);
    expect((await client(first.url).get('/readyz')).status).to.equal(200);
  });

  it('with no redis-server on the PATH it exits non-zero and says how to get Redis', async () => {
    // A PATH with node (and a shell) but no redis-server.
    const bin = join(dataDir, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync('/bin/sh', join(bin, 'sh'));
    const serving = npmStart({ ...env, PATH: bin });
    running.push(serving);
    const code = await serving.exited;
    expect(code).to.be.a('number').and.not.equal(0);
    const stderr = serving.stderr().trim();
    expect(stderr.split('\n'), stderr).to.have.length(1);
    expect(stderr).to.include('no redis-server on the PATH');
    expect(stderr).to.include('apt-get install redis-server');
    expect(stderr).to.include('brew install redis');
    expect(stderr).to.include('docker compose up -d redis');
    expect(stderr).to.include('REDIS_URL');
    expect(serving.stdout()).to.not.include('rune-directory listening');
  });
});
