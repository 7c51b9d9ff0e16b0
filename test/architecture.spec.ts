import { expect } from 'chai';
import madge from 'madge';

// The shape of the code, checked: modules that import each other cannot be read, tested or
// moved one at a time, and a server that imports its workers cannot run without them.
// `npm run check:cycles` is the same cycle check from the shell.

const ROOTS = ['src', 'workers', 'config'];

async function readModules(): Promise<madge.MadgeInstance> {
  const modules = await madge(ROOTS, { fileExtensions: ['ts'], tsConfig: 'tsconfig.json' });
  // Without this, a graph madge failed to resolve (every import skipped) would pass every check.
  expect(modules.obj()['src/http/app.ts'], "madge resolved the app's imports").to.include('src/admin/users.routes.ts');
  expect(modules.warnings().skipped, 'imports madge could not resolve').to.deep.equal([]);
  return modules;
}

describe('architecture', function () {
  this.timeout(60_000);
  let modules: madge.MadgeInstance;
  let graph: Record<string, string[]>;
  before(async () => {
    modules = await readModules();
    graph = modules.obj();
  });

  it('has no import cycle among src/, workers/ and config/', () => {
    expect(modules.circular().map((cycle) => cycle.join(' > '))).to.deep.equal([]);
  });

  it('keeps src/ free of workers/: only the CLI, the entry point that composes the two, imports them', () => {
    const importers = Object.entries(graph)
      .filter(([file, imports]) => file.startsWith('src/') && imports.some((i) => i.startsWith('workers/')))
      .map(([file]) => file);
    expect(importers.filter((file) => !file.startsWith('src/cli/'))).to.deep.equal([]);
  });

  it('lets no router import the app that assembles the routers', () => {
    const routers = Object.entries(graph).filter(([file]) => file.endsWith('.routes.ts'));
    expect(routers.length).to.be.greaterThan(5);
    expect(routers.filter(([, imports]) => imports.includes('src/http/app.ts')).map(([file]) => file)).to.deep.equal(
      [],
    );
  });

  it('shows users, sessions and SCIM tokens from one folder: auth and the CLI import no presenter of the admin API', () => {
    const reachingIntoAdmin = Object.entries(graph)
      .filter(([file]) => file.startsWith('src/auth/') || file.startsWith('src/cli/'))
      .flatMap(([file, imports]) => imports.filter((i) => /^src\/admin\/present/.test(i)).map((i) => `${file} > ${i}`));
    expect(reachingIntoAdmin).to.deep.equal([]);
  });
});
