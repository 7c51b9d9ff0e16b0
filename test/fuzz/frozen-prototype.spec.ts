import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

// Object.prototype frozen in a child process (frozen here it would break the other specs): a
// request that writes to it then fails loudly with a TypeError instead of polluting quietly.

const SCRIPT = fileURLToPath(new URL('../support/fuzz/frozen-prototype-server.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runChild(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('Requests against a server whose Object.prototype is frozen', function () {
  this.timeout(120_000);

  it("none of the review's pollution reproductions or the generated hostile requests writes to Object.prototype or gets a 5xx", async () => {
    const { code, output } = await runChild();
    expect(output).to.match(/requests sent with Object\.prototype frozen/);
    expect(code, output).to.equal(0);
  });
});
