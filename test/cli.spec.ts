import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect, deletePrefix, testPrefix, REDIS_URL } from './support/redis.js';
import { Directory } from '../src/directory/index.js';
import { PasswordHasher } from '../src/auth/password-hasher.js';

const run = promisify(execFile);
const cli = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, ...env } });

describe('cli: rune-directory', function () {
  this.timeout(30_000);
  const prefix = testPrefix('cli');
  const env = { REDIS_URL, REDIS_PREFIX: prefix };
  const redis = connect();
  after(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('admin create prints the temporary password once, as JSON for scripts', async () => {
    const { stdout } = await cli(['admin', 'create', '--email', 'Ops@Corp.test', '--name', 'Ops Admin', '--json'], env);
    const out = JSON.parse(stdout);
    expect(out).to.include({ email: 'ops@corp.test', name: 'Ops Admin', role: 'admin' });
    expect(out.temporaryPassword).to.match(/^[A-Za-z0-9]{16}$/);
    const directory = new Directory(redis, { prefix, session: { idleTtlSeconds: 60, maxTtlSeconds: 120 } });
    const user = await directory.findUserByEmail('ops@corp.test');
    expect(user?.mustChangePassword).to.equal(true);
    expect(await new PasswordHasher().verify((await directory.getPasswordHash(user!.id))!, out.temporaryPassword)).to.equal(true);
  });

  it('admin create refuses a taken email with a clear message and exit code 1', async () => {
    const failed = await cli(['admin', 'create', '--email', 'ops@corp.test', '--name', 'Ops Again'], env).catch((e) => e);
    expect(failed.code).to.equal(1);
    expect(failed.stderr).to.include('email_taken');
  });

  it('doctor reports a clean directory with exit code 0', async () => {
    const { stdout } = await cli(['doctor', '--json'], env);
    expect(JSON.parse(stdout)).to.deep.equal({ users: 1, mismatches: [] });
  });

  it('stops at start on a bad variable, naming it', async () => {
    const failed = await cli(['doctor'], { ...env, SESSION_MAX_TTL: 'forever' }).catch((e) => e);
    expect(failed.code).to.equal(78);
    expect(failed.stderr).to.include('SESSION_MAX_TTL');
  });
});
