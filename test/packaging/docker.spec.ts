import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parse } from 'yaml';
import { REDIS_URL } from '../support/redis.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 10, "Docker": node:20 past its end of life, no HEALTHCHECK, and a compose file with no
// healthchecks, no depends_on condition, no restart policy and a Redis that could evict.
// No Docker engine runs the tests, so the files are read as Docker reads them, and the
// healthcheck commands are run here, as the container would run them.

const run = promisify(execFile);

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(text: string): { keyword: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

const dockerfile = instructions(readFileSync('Dockerfile', 'utf8'));
const finalStage = dockerfile.slice(dockerfile.map((i) => i.keyword).lastIndexOf('FROM'));
const lastOf = (keyword: string) => finalStage.filter((i) => i.keyword === keyword).at(-1)?.args;
const execForm = (args: string) => JSON.parse(args) as string[];

type Service = {
  command?: string[];
  depends_on?: Record<string, { condition?: string }>;
  restart?: string;
  healthcheck?: { test?: string[] };
  environment?: Record<string, string>;
};
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service> };
const { redis, server, worker } = compose.services;

/** A healthcheck's `["CMD", "node", ...]`, run by this node, with the container's environment. */
async function healthy(test: string[], env: Record<string, string>): Promise<boolean> {
  expect(test.slice(0, 2)).to.deep.equal(['CMD', 'node']);
  try {
    await run(process.execPath, test.slice(2), { env: { ...process.env, ...env }, timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

describe('packaging: the Docker image', () => {
  it('builds and runs on a supported Node (24 or 22, Debian slim), in every stage', () => {
    const bases = dockerfile.filter((i) => i.keyword === 'FROM').map((i) => i.args.split(/\s+/)[0]);
    expect(bases).to.have.length.greaterThan(0);
    for (const base of bases) expect(base).to.match(/^node:(24|22)-bookworm-slim$/);
  });

  it('copies into the build stage everything npm run build reads', () => {
    const buildStage = dockerfile.slice(0, dockerfile.map((i) => i.keyword).lastIndexOf('FROM'));
    const copied = buildStage.filter((i) => i.keyword === 'COPY').flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    const build = `${pkg.scripts.build} ${pkg.scripts['build:console']}`;
    const projects = [...build.matchAll(/tsc -p (\S+)/g)].map((m) => m[1]!);
    expect(projects).to.include.members(['tsconfig.build.json', 'tsconfig.console.json']);
    for (const project of projects) expect(copied, project).to.include(project);
    for (const folder of ['src', 'workers', 'config', 'console']) expect(copied, folder).to.include(folder);
  });

  it('runs as a user that is not root', () => {
    expect(lastOf('USER'))
      .to.be.a('string')
      .and.not.match(/^(root|0)(:|$)/);
  });

  it('has tini as PID 1, so SIGTERM reaches node', () => {
    expect(execForm(lastOf('ENTRYPOINT')!)).to.deep.equal(['/usr/bin/tini', '--']);
    expect(finalStage.some((i) => i.keyword === 'RUN' && /apt-get install .*\btini\b/.test(i.args))).to.equal(true);
    expect(execForm(lastOf('CMD')!)).to.deep.equal(['node', 'dist/src/cli/main.js', 'serve']);
  });

  describe('its HEALTHCHECK asks /readyz', () => {
    const healthcheck = lastOf('HEALTHCHECK')!;
    const command = execForm(healthcheck.slice(healthcheck.indexOf('CMD ') + 4));
    let service: TestServer;
    before(async () => {
      service = await startTestServer({}, { workers: false });
    });
    after(() => service.close());

    it('healthy while the service is ready', async () => {
      expect(command.join(' ')).to.include('/readyz');
      expect(await healthy(['CMD', ...command], { PORT: new URL(service.url).port })).to.equal(true);
    });

    it('unhealthy when nothing answers on PORT', async () => {
      expect(await healthy(['CMD', ...command], { PORT: '1' })).to.equal(false);
    });
  });
});

describe('packaging: docker compose @slow', () => {
  it('runs Redis with AOF and noeviction, healthy when redis-cli ping answers', () => {
    const args = redis!.command!.join(' ');
    expect(args).to.include('--appendonly yes').and.include('--maxmemory-policy noeviction');
    expect(redis!.healthcheck!.test).to.deep.equal(['CMD', 'redis-cli', 'ping']);
  });

  for (const name of ['server', 'worker']) {
    it(`starts ${name} once Redis is healthy, restarts it unless stopped, and checks its health`, () => {
      const service = compose.services[name]!;
      expect(service.depends_on).to.deep.equal({ redis: { condition: 'service_healthy' } });
      expect(service.restart).to.equal('unless-stopped');
      expect(service.healthcheck!.test).to.be.an('array').with.length.greaterThan(1);
    });
  }

  it('has no $ in a healthcheck that compose would take for a variable', () => {
    for (const service of Object.values(compose.services)) {
      for (const part of service.healthcheck?.test ?? []) expect(part).not.to.match(/\$(?!\$)/);
    }
  });

  it("the server's healthcheck is the image's: /readyz", () => {
    const healthcheck = lastOf('HEALTHCHECK')!;
    expect(server!.healthcheck!.test!.slice(1)).to.deep.equal(
      execForm(healthcheck.slice(healthcheck.indexOf('CMD ') + 4)),
    );
    expect(server!.command).to.deep.equal(['node', 'dist/src/cli/main.js', 'serve', '--no-workers']);
  });

  it("the worker's healthcheck passes while its Redis answers, and fails when it does not", async function () {
    this.timeout(30_000);
    expect(worker!.command).to.deep.equal(['node', 'dist/src/cli/main.js', 'worker']);
    expect(await healthy(worker!.healthcheck!.test!, { REDIS_URL })).to.equal(true);
    expect(await healthy(worker!.healthcheck!.test!, { REDIS_URL: 'redis://127.0.0.1:1' })).to.equal(false);
  });
});
