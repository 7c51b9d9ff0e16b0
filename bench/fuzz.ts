import fc from 'fast-check';
import { checkStop, envInt } from './support/control.js';
import { fmtInt, loadAverage, table, type Target } from './support/report.js';
import { ANSWER_WITHIN_MS, checkCase, FailureLog, FuzzStats } from '../test/support/fuzz/check-answer.js';
import { CASES, FAMILIES } from '../test/support/fuzz/route-cases.js';
import { startFuzzTarget } from '../test/support/fuzz/target.js';

// The fuzz suite of test/fuzz/routes.spec.ts at volume: the same generators and the same per-case
// check (test/support/fuzz/), BENCH_FUZZ_CASES cases per route family against one real server
// (startTestServer: its own key prefix, deleted at the end). Unlike the spec it does not stop at
// the first failure: it counts every case, and prints each kind of failure once with an example.
//
//   BENCH_FUZZ_CASES   cases per family (default 10000)
//   BENCH_FUZZ_SEED    fast-check seed (default 20261201, the spec's)

export async function run(): Promise<{ targets: Target[] }> {
  const cases = envInt('BENCH_FUZZ_CASES', 10_000);
  const seed = envInt('BENCH_FUZZ_SEED', 20261201);
  const target = await startFuzzTarget({ LOG_LEVEL: 'warn' });
  const stats = new FuzzStats();
  const failures = new FailureLog();
  const started = Date.now();
  try {
    for (const family of FAMILIES) {
      const familyStarted = Date.now();
      try {
        await fc.assert(
          fc.asyncProperty(CASES[family], async (c) => {
            checkStop();
            const { answer, violations } = await checkCase(target, c, stats);
            if (violations.length > 0) failures.add(c, answer, violations);
          }),
          { seed, numRuns: cases },
        );
      } catch (error) {
        checkStop(); // fast-check wraps the BenchInterrupted of a Ctrl-C: surface it as such
        throw error;
      }
      console.log(
        `${family}: ${fmtInt(cases)} cases in ${((Date.now() - familyStarted) / 1000).toFixed(1)} s (load ${loadAverage()})`,
      );
    }
    const doctor = await target.server.runtime.directory.checkIndexes();

    const rows = FAMILIES.map((family) => {
      const f = stats.families.get(family)!;
      return [
        family,
        fmtInt(f.cases),
        `${fmtInt(f.ok)}/${fmtInt(f.refused)}/${fmtInt(f.answered)}`,
        f.slowestMs.toFixed(1),
        f.slowest ?? '-',
        fmtInt(f.serverErrors),
        fmtInt(f.overBound),
        fmtInt(f.failures),
      ];
    });
    console.log(
      `\n${table(['family', '>cases', '>due 2xx/4xx/either', '>slowest ms', 'slowest route', '>5xx', `>over ${ANSWER_WITHIN_MS} ms`, '>failing'], rows)}`,
    );
    console.log(
      `\n${fmtInt(FAMILIES.length * cases)} cases in ${((Date.now() - started) / 1000).toFixed(1)} s; seed ${seed}; doctor: ${doctor.users} users, ${doctor.mismatches.length} mismatches`,
    );
    if (failures.kinds.size > 0) console.log(`\nfailures by kind:\n${failures.lines().join('\n')}`);

    const all = [...stats.families.values()];
    const none = (name: string, n: number): Target => ({ name, measured: fmtInt(n), limit: '0', pass: n === 0 });
    const sum = (pick: (f: (typeof all)[number]) => number) => all.reduce((n, f) => n + pick(f), 0);
    const targets = [
      none(
        'answers that are a 5xx',
        sum((f) => f.serverErrors),
      ),
      none(
        `answers over ${ANSWER_WITHIN_MS} ms`,
        sum((f) => f.overBound),
      ),
      none(
        'cases failing any check',
        sum((f) => f.failures),
      ),
      none('doctor mismatches', doctor.mismatches.length),
    ];
    return { targets };
  } finally {
    await target.close();
  }
}
