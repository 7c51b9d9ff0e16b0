import { readFileSync } from 'node:fs';
import { expect } from 'chai';

// Issue 10, "Install": `npm start` ran the sources through tsx, and on npm 11 argon2's install
// script could be skipped, leaving a binding that did not load until a manual `npm rebuild`.
// (The clean-clone install itself takes minutes: it is checked by hand, not here.)

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  bin: Record<string, string>; scripts: Record<string, string>; allowScripts?: Record<string, boolean>;
  dependencies: Record<string, string>; devDependencies: Record<string, string>;
};

describe('packaging: npm install and npm start', () => {
  it('npm start, start:server and start:worker run the compiled CLI (the package bin), not the sources', () => {
    const bin = pkg.bin['rune-directory']!;
    expect(bin).to.match(/^dist\//);
    expect(pkg.scripts.start).to.equal(`node ${bin} serve`);
    expect(pkg.scripts['start:server']).to.equal(`node ${bin} serve --no-workers`);
    expect(pkg.scripts['start:worker']).to.equal(`node ${bin} worker`);
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
    expect(pkg.scripts.postinstall).to.match(/import\('argon2'\).*hash\(.*\|\| npm rebuild argon2/);
  });

  it('npm run test:one runs the given spec files alone (no .mocharc spec list)', () => {
    expect(pkg.scripts['test:one']).to.include('mocha --no-config').and.include('import=tsx');
  });
});
