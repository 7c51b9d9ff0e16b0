import { checkStop, envInt } from './support/control.js';
import { fmtInt, loadAverage, table, type Target } from './support/report.js';
import { ModelHarness } from '../test/model/harness.js';

// The model-based concurrency test of test/model/ at volume: BENCH_MODEL_RUNS interleavings
// (`--runs N`, default 1000) of up to eight rounds of up to four concurrent requests each, against
// one real server and one real worker process. A failure prints fast-check's seed, path and
// shrunk sequence (replay with --seed and the same --runs), and the failing round's trace.
//
//   BENCH_MODEL_RUNS   interleavings (default 1000; --runs)
//   BENCH_MODEL_SEED   fast-check seed (default: the time; --seed)
//   BENCH_MODEL_PATH   fast-check path of a failure: replays just that case (with its seed)

export async function run(): Promise<{ targets: Target[]; figures: object }> {
  const runs = envInt('BENCH_MODEL_RUNS', 1000);
  const seed = envInt('BENCH_MODEL_SEED', Date.now() % 2 ** 31);
  console.log(`seed ${seed}, ${fmtInt(runs)} interleavings (load ${loadAverage()})`);
  const harness = await ModelHarness.start();
  const started = Date.now();
  let failure: string | undefined;
  try {
    const beforeRun = () => {
      checkStop();
      const f = harness.figures;
      if (f.runs > 0 && f.runs % 100 === 0)
        console.log(
          `  ${fmtInt(f.runs)} interleavings, ${fmtInt(f.requests)} requests, ${fmtInt(f.checks)} checks, ` +
            `${((Date.now() - started) / 1000).toFixed(0)} s (load ${loadAverage()})`,
        );
    };
    await harness.check({ seed, runs, maxRounds: 8, beforeRun, path: process.env.BENCH_MODEL_PATH || undefined });
  } catch (error) {
    checkStop(); // a Ctrl-C surfaces as such, not as a failed property
    failure = error instanceof Error ? error.message : String(error);
    const cause = error instanceof Error ? error.cause : undefined;
    if (cause instanceof Error) failure += `\nCaused by: ${cause.message}`;
    console.error(`\nMODEL FAILURE\n${failure}`);
  } finally {
    await harness.close();
  }
  const f = harness.figures;
  const seconds = (Date.now() - started) / 1000;
  const outcomes = Object.entries(f.outcomes).sort(([a], [b]) => a.localeCompare(b));
  console.log(
    `\n${table(
      ['request outcome', '>count'],
      outcomes.map(([k, v]) => [k, fmtInt(v)]),
    )}`,
  );
  console.log(
    `\nmodel: ${fmtInt(f.runs)} interleavings, ${fmtInt(f.rounds)} rounds, ${fmtInt(f.requests)} requests, ` +
      `${fmtInt(f.checks)} checks, ${failure ? 1 : 0} faults, in ${seconds.toFixed(1)} s (seed ${seed}, load ${loadAverage()})`,
  );
  return {
    targets: [
      {
        name: 'model: every round linearizable, invariants hold',
        measured: failure ? 'FAILED (see above)' : `${fmtInt(f.runs)} interleavings, 0 faults`,
        limit: `>= ${fmtInt(runs)} interleavings, 0 faults`,
        pass: !failure && f.runs >= runs,
      },
    ],
    figures: { seed, ...f, faults: failure ? 1 : 0, seconds, failure },
  };
}
