// Runs the benchmarks: `npm run bench` runs all of them, `npm run bench -- scim` one, and
// `npm run bench -- --small scim` one at a small size (a quick check that it works: its figures
// decide nothing). A bench is a module exporting `run()`, which answers its targets (each a
// same-run ratio, see report.ts) and the figures written to bench/results/<name>.json. Never part
// of `npm test`. BENCH_STRICT=1 makes a failed target fail the process (by default only errors do).
import './support/soak-options.js'; // --runs, --seed, --minutes of the model and soak benches
import { BenchInterrupted, envBool, requestStop, stopRequested } from './support/control.js';
import { prefixesNotCleaned } from './support/redis.js';
import { targetsTable, writeResults, type Target } from './support/report.js';

export interface BenchOutcome {
  targets: Target[];
  figures?: object;
}

interface BenchEntry {
  name: string;
  description: string;
  load: () => Promise<{ run(): Promise<BenchOutcome> }>;
  /** The environment of --small (a variable already set wins). */
  small: Record<string, string>;
}

const BENCHES: BenchEntry[] = [
  {
    name: 'directory',
    description: 'Redis memory per user, deep vs first page at BENCH_USERS users (createUser rate beside them)',
    load: () => import('./directory-load.js'),
    small: { BENCH_USERS: '5000', BENCH_ITERATIONS: '200', BENCH_WARMUP: '20', BENCH_DEEP_PAGE: '50' },
  },
  {
    name: 'login',
    description: 'POST /auth/login storm vs raw argon2.verify; server event-loop delay during the storm vs before it',
    load: () => import('./auth-login.js'),
    small: { BENCH_LOGIN_USERS: '10', BENCH_LOGIN_SECONDS: '3', BENCH_LOGIN_BASELINE_SECONDS: '2' },
  },
  {
    name: 'deactivation',
    description:
      'POST /users/:id/deactivate until all sessions are gone (1 and 10k sessions) vs the bare route; jobs/s vs a BullMQ no-op',
    load: () => import('./deactivation.js'),
    small: {
      BENCH_DEACT_USERS: '40',
      BENCH_DEACT_WARMUP: '5',
      BENCH_DEACT_BIG_USERS: '2',
      BENCH_DEACT_BIG_SESSIONS: '1000',
      BENCH_DEACT_JOBS: '200',
      BENCH_DEACT_PASSES: '2',
    },
  },
  {
    name: 'scim',
    description:
      'SCIM filter / POST / deep page throughput vs a bare Express route in its own process; filter latency 1k vs 100k users',
    load: () => import('./scim.js'),
    small: {
      BENCH_SCIM_USERS: '5000',
      BENCH_SCIM_SMALL_USERS: '500',
      BENCH_SCIM_SECONDS: '2',
      BENCH_SCIM_WARMUP_SECONDS: '1',
      BENCH_SCIM_PASSES: '1',
      BENCH_SCIM_LATENCY_ROUNDS: '100',
      BENCH_SCIM_LATENCY_WARMUP: '10',
    },
  },
  {
    name: 'scim-groups',
    description: 'group PATCH (one member) in a group of 10 and of 100k vs the bare route; bytes per membership',
    load: () => import('./scim-groups.js'),
    small: {
      BENCH_GROUPS_MEMBERS: '10000',
      BENCH_GROUPS_USERS: '200',
      BENCH_GROUPS_SECONDS: '2',
      BENCH_GROUPS_WARMUP_SECONDS: '1',
      BENCH_GROUPS_PASSES: '1',
      BENCH_GROUPS_LATENCY_ROUNDS: '50',
      BENCH_GROUPS_LATENCY_WARMUP: '5',
    },
  },
  {
    name: 'saml',
    description:
      'POST /saml/acs logins/s (validation in the worker pool) vs cores × node-saml single-thread rate; event-loop delay',
    load: () => import('./saml-acs.js'),
    // The warm-up starts the pool's threads, which on a busy machine takes seconds.
    small: { BENCH_SAML_USERS: '10', BENCH_SAML_SECONDS: '3', BENCH_SAML_BASELINE_SECONDS: '1' },
  },
  {
    name: 'model',
    description:
      'random interleavings of admin, /auth and SCIM requests against the model of the rules (--runs N, default 1000)',
    load: () => import('./model.js'),
    small: { BENCH_MODEL_RUNS: '50' },
  },
  {
    name: 'soak',
    description:
      'mixed SCIM/admin/login/SAML traffic at a steady rate (--minutes N, default 10): p50/p99 per route each minute, errors, RSS and Redis memory growth, doctor',
    load: () => import('./soak.js'),
    small: { BENCH_SOAK_MINUTES: '1' },
  },
  {
    name: 'fuzz',
    description:
      'the fuzz suite at volume: BENCH_FUZZ_CASES (10k) generated requests per route family; slowest answer, 5xx and over-200 ms counts',
    load: () => import('./fuzz.js'),
    small: { BENCH_FUZZ_CASES: '300' },
  },
];

function usage(): string {
  return [
    'usage: npm run bench [-- [--small] <name>...]',
    '',
    'benches:',
    ...BENCHES.map((b) => `  ${b.name.padEnd(12)} ${b.description}`),
  ].join('\n');
}

function select(args: string[]): BenchEntry[] {
  if (args.length === 0) return BENCHES;
  const unknown = args.filter((a) => !BENCHES.some((b) => b.name === a));
  if (unknown.length > 0) throw new Error(`unknown bench: ${unknown.join(', ')}\n\n${usage()}`);
  return BENCHES.filter((b) => args.includes(b.name));
}

// First Ctrl-C: stop issuing commands, clean up, exit. Another one, a second or more later:
// exit at once (keys may remain). Signals within that second are taken as the same one:
// tsx relays a Ctrl-C to this process as well when it does not see it handled quickly.
let firstSignalAt = 0;
function onSignal(signal: NodeJS.Signals) {
  if (!stopRequested()) {
    console.error(`\n${signal}: stopping; cleaning up this run's keys (again to exit at once)`);
    requestStop(signal);
    firstSignalAt = Date.now();
    return;
  }
  if (Date.now() - firstSignalAt < 1000) return;
  const left = prefixesNotCleaned();
  if (left.length > 0) {
    console.error(`exiting without cleanup; keys may remain under: ${left.map((p) => `{${p}}*`).join(', ')}`);
    console.error('remove them with SCAN MATCH <pattern> + UNLINK (never FLUSHDB: the server is shared)');
  }
  process.exit(130);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.includes('-h') || args.includes('--help')) {
    console.log(usage());
    return 0;
  }
  const strict = envBool('BENCH_STRICT', false);
  const small = args.includes('--small');
  const benches = select(args.filter((a) => a !== '--small'));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let exitCode = 0;
  for (const entry of benches) {
    if (stopRequested()) break;
    console.log(`\n##### bench: ${entry.name}\n`);
    const started = Date.now();
    if (small) for (const [k, v] of Object.entries(entry.small)) process.env[k] ??= v;
    try {
      const outcome = await (await entry.load()).run();
      console.log(`\n${targetsTable(outcome.targets)}`);
      console.log(`results: ${await writeResults(entry.name, { small, ...outcome })}`);
      const failed = outcome.targets.filter((t) => !t.pass);
      console.log(
        `\n##### ${entry.name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s` +
          (failed.length > 0 ? `, ${failed.length} target(s) FAIL` : ''),
      );
      if (strict && failed.length > 0) exitCode = 1;
    } catch (error) {
      if (error instanceof BenchInterrupted) {
        console.error(`##### ${entry.name}: interrupted`);
        return 130;
      }
      console.error(`##### ${entry.name}: error`, error);
      exitCode = 1;
    }
  }
  return stopRequested() ? 130 : exitCode;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
