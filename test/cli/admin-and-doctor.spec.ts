import { expect } from 'chai';
import { connect, deletePrefix, testPrefix, REDIS_URL } from '../support/redis.js';
import { Directory } from '../../src/directory/index.js';
import { PasswordHasher } from '../../src/auth/password-hasher.js';
import { runCli, lines } from './run-cli.js';

describe('cli: admin create and doctor @slow', function () {
  this.timeout(60_000);
  const prefix = testPrefix('cli');
  const env = { REDIS_URL, REDIS_PREFIX: prefix };
  const redis = connect();
  after(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('admin create prints the temporary password once, as JSON for scripts', async () => {
    const { code, stdout } = await runCli(
      ['admin', 'create', '--email', 'Ops@Corp.test', '--name', 'Ops Admin', '--json'],
      env,
    );
    expect(code).to.equal(0);
    const out = JSON.parse(stdout);
    expect(out).to.include({ email: 'ops@corp.test', name: 'Ops Admin', role: 'admin' });
    expect(out.temporaryPassword).to.match(/^[A-Za-z0-9]{16}$/);
    const directory = new Directory(redis, { prefix, session: { idleTtlSeconds: 60, maxTtlSeconds: 120 } });
    const user = await directory.findUserByEmail('ops@corp.test');
    expect(user?.mustChangePassword).to.equal(true);
    expect(
      await new PasswordHasher().verify((await directory.getPasswordHash(user!.id))!, out.temporaryPassword),
    ).to.equal(true);
  });

  it('admin create refuses a taken email with one line naming the refusal, and exit code 1', async () => {
    const failed = await runCli(['admin', 'create', '--email', 'ops@corp.test', '--name', 'Ops Again'], env);
    expect(failed.code).to.equal(1);
    expect(lines(failed.stderr)).to.have.length(1);
    expect(failed.stderr).to.match(/^rune-directory: email_taken: /);
  });

  it('with --json, a refusal is also a JSON error on stdout', async () => {
    const failed = await runCli(['admin', 'create', '--email', 'ops@corp.test', '--name', 'Ops Again', '--json'], env);
    expect(failed.code).to.equal(1);
    expect(JSON.parse(failed.stdout).error.code).to.equal('email_taken');
  });

  it('doctor reports a clean directory with exit code 0', async () => {
    const { code, stdout } = await runCli(['doctor', '--json'], env);
    expect(code).to.equal(0);
    expect(JSON.parse(stdout)).to.deep.equal({ users: 1, mismatches: [] });
  });

  it('stops at start on a bad variable, naming it in one line, with exit code 78', async () => {
    const failed = await runCli(['doctor'], { ...env, SESSION_MAX_TTL: 'forever' });
    expect(failed.code).to.equal(78);
    expect(lines(failed.stderr)).to.have.length(1);
    expect(failed.stderr).to.include('SESSION_MAX_TTL');
  });
});
