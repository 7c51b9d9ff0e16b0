// Runs the benchmarks: `npm run bench` runs all of them, `npm run bench -- directory` one.
// A bench is a module exporting `run()`; add it to BENCHES below. BENCH_STRICT=1 makes a
// failed target fail the process (by default only errors do).
import { BenchInterrupted, envBool, requestStop, stopRequested } from './support/control.js';
import { prefixesNotCleaned } from './support/redis.js';
import type { Target } from './support/report.js';

interface BenchModule {
  run(): Promise<{ targets?: Target[] } | void>;
}

interface BenchEntry {
  name: string;
  description: string;
  load: () => Promise<BenchModule>;
}

const BENCHES: BenchEntry[] = [
  {
    name: 'directory',
    description: 'createUser load rate, Redis memory per user, lookup/list/search latency at BENCH_USERS users',
    load: () => import('./directory-load.js'),
  },
  {
    name: 'login',
    description: 'POST /auth/login storm vs raw argon2.verify throughput; server event-loop delay and /healthz latency meanwhile',
    load: () => import('./auth-login.js'),
  },
  {
    name: 'deactivation',
    description: 'POST /users/:id/deactivate until all sessions are gone (1 and 10k sessions) vs GET baseline; deactivation jobs/s through one worker vs a BullMQ no-op',
    load: () => import('./deactivation.js'),
  },
  {
    name: 'scim',
    description: 'SCIM filter / POST throughput vs a bare Express route in the same process; filter latency 1k vs 100k users; deep vs first page',
    load: () => import('./scim.js'),
  },
  {
    name: 'saml',
    description: 'single-thread node-saml validation rate vs POST /saml/acs logins/s with validation in the worker pool; server event-loop delay meanwhile',
    load: () => import('./saml-acs.js'),
  },
  {
    name: 'fuzz',
    description: 'the fuzz suite at volume: BENCH_FUZZ_CASES (10k) generated requests per route family; slowest answer, 5xx and over-200 ms counts',
    load: () => import('./fuzz.js'),
  },
];

function usage(): string {
  return ['usage: npm run bench [-- <name>...]', '', 'benches:', ...BENCHES.map((b) => `  ${b.name.padEnd(12)} ${b.description}`)].join('\n');
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
  const benches = select(args);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let exitCode = 0;
  for (const entry of benches) {
    if (stopRequested()) break;
    console.log(`\n##### bench: ${entry.name}\n`);
    const started = Date.now();
    try {
      const outcome = await (await entry.load()).run();
      const failed = outcome?.targets?.filter((t) => !t.pass) ?? [];
      console.log(`\n##### ${entry.name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s` +
        (failed.length > 0 ? `, ${failed.length} target(s) FAIL` : ''));
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
