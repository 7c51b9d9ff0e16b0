// The options of the model and soak benches, taken off the command line before run.ts reads its
// bench names: `--runs N` (BENCH_MODEL_RUNS), `--seed N` (BENCH_MODEL_SEED), `--minutes N`
// (BENCH_SOAK_MINUTES). Imported for this effect by bench/run.ts.
const OPTIONS: Record<string, string> = {
  '--runs': 'BENCH_MODEL_RUNS',
  '--seed': 'BENCH_MODEL_SEED',
  '--minutes': 'BENCH_SOAK_MINUTES',
};

for (let i = 2; i < process.argv.length; i++) {
  const [flag, inline] = process.argv[i]!.split('=', 2) as [string, string | undefined];
  const variable = OPTIONS[flag];
  if (!variable) continue;
  const value = inline ?? process.argv[i + 1];
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) throw new Error(`${flag} needs a number`);
  process.env[variable] = value;
  process.argv.splice(i, inline === undefined ? 2 : 1);
  i--;
}
