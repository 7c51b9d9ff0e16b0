import { expect } from 'chai';
import fc from 'fast-check';
import { CASES, FAMILIES, type Family } from '../support/fuzz/route-cases.js';
import { checkCase, describeFailure, FuzzStats } from '../support/fuzz/check-answer.js';
import { startFuzzTarget, type FuzzTarget } from '../support/fuzz/target.js';

// Every SCIM, admin, auth and ACS route of one real server, fed generated requests (hostile
// names, quotes, surrogates, nesting, numbers, types, one-field mutations of valid bodies). Each
// answer must be the expected 2xx or a 4xx in the route's format, never a 5xx, within 200 ms
// with /healthz answering meanwhile, and leave Object.prototype as it was. A failure prints
// fast-check's seed and shrunk counterexample: re-run with that seed to reproduce it.

const SEED = 20261201;
const RUNS: Record<Family, number> = { scim: 900, admin: 700, auth: 400, saml: 400 };

describe('Fuzzing every route of a real server', function () {
  this.timeout(180_000);
  let target: FuzzTarget;
  const stats = new FuzzStats();

  before(async () => {
    target = await startFuzzTarget();
  });
  after(async () => {
    for (const line of stats.lines()) console.log(`      fuzz ${line}`);
    await target?.close();
  });

  for (const family of FAMILIES) {
    it(`answers ${RUNS[family]} generated ${family} requests with the expected 2xx or a 4xx in the route's format, in time, never a 5xx, never touching Object.prototype`, async () => {
      await fc.assert(
        fc.asyncProperty(CASES[family], async (c) => {
          const { answer, violations } = await checkCase(target, c, stats);
          if (violations.length > 0) throw new Error(describeFailure(c, answer, violations));
        }),
        { seed: SEED, numRuns: RUNS[family] },
      );
    });
  }

  it('leaves every index agreeing with the user records (doctor clean) after all the cases', async () => {
    const report = await target.server.runtime.directory.checkIndexes();
    expect(report.mismatches).to.deep.equal([]);
  });
});
