import { expect } from 'chai';
import { createServer, type Server } from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REDIS_URL, connect, deletePrefix, testPrefix } from '../support/redis.js';
import { runCli, envWithoutRedis, type CliProcess } from './cli-process.js';

// A service that cannot start must say so and stop: one line naming what is wrong, a non-zero exit.

async function takePort(): Promise<{ server: Server; port: number }> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}

describe('startup: errors are fatal and clear @slow', function () {
  this.timeout(60_000);
  const running: CliProcess[] = [];
  const taken: Server[] = [];
  // The keys a failed start left (its job queues' meta), deleted once its process is gone.
  const prefixes: string[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')));
    taken.splice(0).forEach((s) => s.close());
    const redis = connect();
    for (const prefix of prefixes.splice(0)) await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  const serveFails = async (env: Record<string, string>) => {
    const prefix = testPrefix('start');
    prefixes.push(prefix);
    const serving = runCli(['serve'], { ...envWithoutRedis(), REDIS_URL, REDIS_PREFIX: prefix, ...env });
    running.push(serving);
    const code = await serving.exited;
    const stderr = serving.stderr().trim();
    expect(code, `${serving.stdout()}\n${stderr}`).to.be.a('number').and.not.equal(0);
    expect(stderr.split('\n'), stderr).to.have.length(1);
    expect(stderr).to.not.match(/\n\s+at |Error:/);
    expect(serving.stdout()).to.not.include('rune-directory listening');
    return { code, stderr };
  };

  it('a second serve on a port already taken exits non-zero naming the port', async () => {
    const { server, port } = await takePort();
    taken.push(server);
    const { stderr } = await serveFails({ PORT: String(port) });
    expect(stderr).to.include(`127.0.0.1:${port}`);
    expect(stderr).to.include('already in use');
  });

  it('a METRICS_PORT already taken exits non-zero naming it', async () => {
    const { server, port } = await takePort();
    taken.push(server);
    const { stderr } = await serveFails({ METRICS_PORT: String(port) });
    expect(stderr).to.include(`127.0.0.1:${port}`);
    expect(stderr).to.include('METRICS_PORT');
  });

  it('a HOST that is not an address of this machine exits non-zero naming it', async () => {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a real interface.
    const { stderr } = await serveFails({ HOST: '192.0.2.1' });
    expect(stderr).to.include('192.0.2.1');
    expect(stderr).to.include('HOST');
  });

  it('an unreadable SAML certificate file exits 78 naming the variable and the file', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'rune-cert-'));
    try {
      // A directory where a file is expected: EISDIR, where reading it used to throw a stack.
      const { code, stderr } = await serveFails({ SAML_IDP_CERT: directory });
      expect(code).to.equal(78);
      expect(stderr).to.include('SAML_IDP_CERT');
      expect(stderr).to.include(directory);
      expect(stderr).to.include('EISDIR');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
