import { expect } from 'chai';
import { createServer } from 'node:net';
import { runCli, lines } from './run-cli.js';

/** A port with nothing listening on it: taken from the OS, then let go. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('cli: Redis unreachable @slow', function () {
  this.timeout(90_000);

  it('a command prints one line naming the URL and exits 1, within seconds of starting', async () => {
    const port = await freePort();
    // What starting the program costs on this machine now (loading it, no Redis involved).
    const baseline = await runCli(['users', 'list', '--help'], {});
    const run = await runCli(['users', 'list'], { REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(run.code).to.equal(1);
    expect(lines(run.stderr)).to.deep.equal([
      `rune-directory: cannot reach Redis at redis://127.0.0.1:${port} (ECONNREFUSED); is it running? set REDIS_URL`,
    ]);
    expect(run.stdout).to.equal('');
    // Bounded (a PING of at most 2 s), not ioredis's retries; absolute 5 s when the machine is idle.
    expect(run.elapsedMs - baseline.elapsedMs).to.be.lessThan(3000);
  });

  it('the line never shows the password of REDIS_URL; with --json it is also a JSON error on stdout', async () => {
    const port = await freePort();
    const run = await runCli(['audit', '--json'], { REDIS_URL: `redis://:s3cret-pass@127.0.0.1:${port}` });
    expect(run.code).to.equal(1);
    expect(run.stderr).not.to.include('s3cret-pass');
    expect(lines(run.stderr)).to.have.length(1);
    expect(JSON.parse(run.stdout).error.code).to.equal('redis_unreachable');
    expect(run.stdout).not.to.include('s3cret-pass');
  });
});
