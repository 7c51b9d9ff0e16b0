import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import { deletePrefix, connect, REDIS_URL, testPrefix } from '../support/redis.js';

// Issue 10, "Install": `npm start` ran the sources through tsx, and on npm 11 argon2's install
// script could be skipped, leaving a binding that did not load until a manual `npm rebuild`.
// (The clean-clone install itself takes minutes: it is checked by hand, not here.)

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  bin: Record<string, string>;
  scripts: Record<string, string>;
  allowScripts?: Record<string, boolean>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe('packaging: npm install and npm start @slow', () => {
  it('npm start, start:server and start:worker run the compiled CLI (the package bin), not the sources', () => {
    const bin = pkg.bin['rune-directory']!;
    expect(bin).to.match(/^dist\//);
    // glibc returns argon2's 19 MiB buffers after each hash (the soak's RSS), as the image does.
    const malloc = 'MALLOC_MMAP_THRESHOLD_=131072';
    expect(pkg.scripts.start).to.equal(`${malloc} exec node ${bin} serve`);
    expect(pkg.scripts['start:server']).to.equal(`${malloc} exec node ${bin} serve --no-workers`);
    expect(pkg.scripts['start:worker']).to.equal(`${malloc} exec node ${bin} worker`);
    expect(readFileSync('Dockerfile', 'utf8')).to.include(`ENV ${malloc}\n`);
    expect(pkg.scripts.prepare).to.equal('npm run build');
  });

  it('npm run dev runs the sources with reload; tsx and typescript are for development only', () => {
    expect(pkg.scripts.dev).to.equal('tsx watch src/cli/main.ts serve');
    for (const tool of ['tsx', 'typescript']) {
      expect(pkg.devDependencies).to.have.property(tool);
      expect(pkg.dependencies).not.to.have.property(tool);
    }
  });

  it("argon2's install script is approved for npm 11, and postinstall rebuilds argon2 when it does not load", () => {
    expect(pkg.allowScripts).to.include({ argon2: true });
    expect(pkg.scripts.postinstall).to.equal('node config/ensure-argon2.mjs');
    const check = readFileSync('config/ensure-argon2.mjs', 'utf8');
    expect(check)
      .to.include("a.hash('install')")
      .and.include("'rebuild', 'argon2'")
      .and.include('npm_config_build_from_source');
  });

  // commander 15 wants Node 22.12, as did the interceptors of the nock first installed: EBADENGINE on install.
  it('every locked package supports Node 20: production ones from 20.0, the dev tools from 20.19', () => {
    const { satisfies } = createRequire(import.meta.url)('semver') as {
      satisfies(version: string, range: string): boolean;
    };
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
      packages: Record<string, { dev?: boolean; engines?: { node?: string } | string[] }>;
    };
    const unsupported = Object.entries(lock.packages)
      .filter(([path, entry]) => {
        const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
        return path !== '' && range !== undefined && !satisfies(entry.dev ? '20.19.0' : '20.0.0', range);
      })
      .map(([path, entry]) => `${path} (${JSON.stringify(entry.engines)})`);
    expect(unsupported).to.deep.equal([]);
  });

  it('npm run test:one runs the given spec files alone (no .mocharc spec list)', () => {
    expect(pkg.scripts['test:one']).to.include('mocha --no-config').and.include('import=tsx');
  });

  // npm runs a script with `sh -c`, and sh passes npm's SIGTERM on to nobody: a process manager
  // stopping `npm start` left the service running, orphaned. `exec` makes node the script's process.
  it('SIGTERM to npm run start:worker stops the service itself, not only npm', async function () {
    this.timeout(90_000);
    if (!existsSync(pkg.bin['rune-directory']!)) execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
    const prefix = testPrefix('npm-start');
    const npm = spawn('npm', ['run', '--silent', 'start:worker'], {
      env: { ...process.env, REDIS_URL, REDIS_PREFIX: prefix, LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      // The service says its pid on its first line ("workers started").
      const servicePid = await new Promise<number>((resolve, reject) => {
        let out = '';
        npm.stdout.on('data', (chunk: Buffer) => {
          out += String(chunk);
          const line = out.split('\n').find((text) => text.includes('workers started'));
          if (line) resolve((JSON.parse(line) as { pid: number }).pid);
        });
        npm.once('exit', (code) => reject(new Error(`npm exited (${code}) before the worker started: ${out}`)));
      });
      const npmExited = new Promise((resolve) => npm.once('exit', resolve));
      npm.kill('SIGTERM');
      await npmExited;
      const alive = () => {
        try {
          process.kill(servicePid, 0);
          return true;
        } catch {
          return false;
        }
      };
      for (let i = 0; i < 100 && alive(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      const outlived = alive();
      if (outlived) process.kill(servicePid, 'SIGKILL');
      expect(outlived, 'the service outlived npm').to.equal(false);
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
      const redis = connect();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    }
  });
});
