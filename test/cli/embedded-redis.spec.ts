import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../support/own-redis.js';
import { testPrefix } from '../support/redis.js';
import { runCli } from './run-cli.js';

// `serve` with REDIS_URL unset and nothing at the default runs a Redis on DATA_DIR/redis/redis.sock;
// a command run on the same DATA_DIR, also without REDIS_URL, must operate that directory.
describe('cli: the embedded Redis of serve @slow', function () {
  this.timeout(60_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'rune-cli-'));
  const socket = join(dataDir, 'redis', 'redis.sock');
  let redis: ChildProcess;
  before(async () => {
    mkdirSync(join(dataDir, 'redis'));
    redis = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const probe = new Redis(socket, { maxRetriesPerRequest: 1 });
    probe.on('error', () => undefined); // until redis-server has made its socket
    for (let i = 0; i < 50 && (await probe.ping().catch(() => 'no')) !== 'PONG'; i++)
      await new Promise((r) => setTimeout(r, 100));
    probe.disconnect();
  });
  after(async () => {
    redis.kill('SIGKILL');
    await once(redis, 'exit');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('with REDIS_URL unset and nothing at the default address, a command uses the socket under DATA_DIR', async () => {
    const prefix = testPrefix('cli-embedded');
    // '' is unset for the configuration; the default address is a port nothing listens on.
    const env = {
      REDIS_URL: '',
      REDIS_DEFAULT_URL: `redis://127.0.0.1:${await freePort()}`,
      DATA_DIR: dataDir,
      REDIS_PREFIX: prefix,
    };
    const created = await runCli(['admin', 'create', '--email', 'ops@corp.test', '--name', 'Ops Admin', '--json'], env);
    expect(created.code, created.stderr).to.equal(0);
    const listed = JSON.parse((await runCli(['users', 'list', '--json'], env)).stdout);
    expect(listed.users.map((u: { email: string }) => u.email)).to.deep.equal(['ops@corp.test']);
    const direct = new Redis(socket);
    expect(await direct.exists(`{${prefix}}:idx:email`)).to.equal(1);
    direct.disconnect();
  });

  it('without that socket, the line names the default address it tried', async () => {
    const port = await freePort();
    const run = await runCli(['users', 'list'], {
      REDIS_URL: '',
      REDIS_DEFAULT_URL: `redis://127.0.0.1:${port}`,
      DATA_DIR: join(dataDir, 'elsewhere'),
    });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include(`cannot reach Redis at redis://127.0.0.1:${port} (ECONNREFUSED)`);
  });
});
