import { expect } from 'chai';
import { ModelHarness } from './harness.js';

// The model-based concurrency test (issue 14), a short fixed-seed run; `npm run bench -- model`
// runs a thousand and more interleavings of the same property.
const SEED = 20261202;
const RUNS = Number(process.env.MODEL_RUNS ?? 8);

describe('model: random interleavings of admins, users and the IdP against the guide’s rules @slow', function () {
  this.timeout(600_000);
  let harness: ModelHarness;
  before(async () => {
    harness = await ModelHarness.start();
  });
  after(() => harness?.close());

  it(`every acknowledged request agrees with some order of its round, and the invariants hold (seed ${SEED}, ${RUNS} runs)`, async () => {
    await harness.check({ seed: SEED, runs: RUNS, maxRounds: 6 });
    const f = harness.figures;
    console.log(
      `      model: ${f.runs} interleavings, ${f.rounds} rounds, ${f.requests} requests, ${f.checks} checks, 0 faults`,
    );
    if (process.env.MODEL_VERBOSE) console.log(f.outcomes);
    expect(f.requests).to.be.greaterThan(RUNS);
  });
});
