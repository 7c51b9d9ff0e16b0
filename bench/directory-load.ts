import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { Directory, type Actor, type ListQuery } from '../src/directory/index.js';
import { checkStop, envBool, envInt } from './support/control.js';
import { connect, infoField, memoryUsage, scanKeys, type PrefixScope } from './support/redis.js';
import type { BenchOutcome } from './run.js';
import { environmentLine, fmtBytes, fmtInt, fmtMs, ratioTarget, table, type Target } from './support/report.js';
import { withResources, type Resources } from './support/resources.js';
import { nowMs, runBounded, shuffle, summarize } from './support/stats.js';
import { fakeUsers } from './support/users.js';

// The directory at scale, through the real scripts: Redis memory per user (judged in bytes: it
// does not move with the machine's load, as times do) and listing latency at N users, judged on
// the deep page over the first (same run, interleaved in random order). The createUser rate is
// shown beside them.
//
//   BENCH_USERS users to create (100000), BENCH_CONCURRENCY createUser calls in flight (500)
//   BENCH_ITERATIONS measured rounds of the listings (1000), after BENCH_WARMUP (100)
//   BENCH_DEEP_PAGE the "deep" page number (1000); BENCH_AUTOPIPELINE ioredis autopipelining (true)

const SYSTEM: Actor = { source: 'system' };
const PAGE_SIZE = 50;
const MEMORY_TARGET_BYTES = 1024;
const DEEP_RATIO_TARGET = 1.5;

const readConfig = () => ({
  users: envInt('BENCH_USERS', 100_000),
  concurrency: envInt('BENCH_CONCURRENCY', 500),
  iterations: envInt('BENCH_ITERATIONS', 1000),
  warmup: envInt('BENCH_WARMUP', 100),
  deepPage: envInt('BENCH_DEEP_PAGE', 1000),
  autoPipeline: envBool('BENCH_AUTOPIPELINE', true),
});
type Config = ReturnType<typeof readConfig>;

const log = (message = '') => console.log(message);

export async function run(): Promise<BenchOutcome> {
  const cfg = readConfig();
  return withResources(connect({ enableAutoPipelining: cfg.autoPipeline }), (res) => bench(cfg, res.redis, res));
}

async function bench(cfg: Config, redis: Redis, res: Resources): Promise<BenchOutcome> {
  log(`directory: ${fmtInt(cfg.users)} users, ${cfg.concurrency} in flight, autopipelining ${cfg.autoPipeline}`);
  log(environmentLine((await infoField(redis, 'server', 'redis_version')) ?? '?'));
  // Key names count towards memory: a prefix as long as the production default `rune`.
  const scope = await res.prefix('b', { length: 'rune'.length });
  const directory = new Directory(redis, {
    prefix: scope.prefix,
    session: { idleTtlSeconds: 3600, maxTtlSeconds: 86_400 },
  });
  const users = fakeUsers(cfg.users);

  const t = nowMs();
  await runBounded(users.length, cfg.concurrency, (i) => directory.createUser(users[i]!, SYSTEM));
  const loadRate = users.length / ((nowMs() - t) / 1000);
  const total = await directory.countUsers();
  if (total !== users.length) throw new Error(`expected ${users.length} users, the directory holds ${total}`);
  log(`createUser: ${fmtInt(loadRate)} users/s`);

  await sleep(500);
  const memory = await memoryBreakdown(redis, scope, directory.keys, users.length);
  log(
    table(
      ['key kind', '>keys', '>B/user', 'counted'],
      memory.rows.map((r) => [r.kind, fmtInt(r.keys), r.perUser.toFixed(1), r.counted ? 'yes' : 'no']),
    ),
  );

  const latency = await measureLatency(cfg, directory);
  const s = latency.results;
  const targets: Target[] = [
    {
      name: 'memory per user (MEMORY USAGE, excl. sessions & audit)',
      measured: `${fmtInt(memory.perUser)} B (${fmtBytes(memory.perUser * users.length)} in all)`,
      limit: `<= ${MEMORY_TARGET_BYTES} B`,
      pass: memory.perUser <= MEMORY_TARGET_BYTES,
    },
    ratioTarget(
      `deep page ${latency.pages.all} / first page (median)`,
      s.deep.medianMs,
      s.first.medianMs,
      { atMost: DEEP_RATIO_TARGET },
      'ms',
    ),
    ratioTarget(
      `status=active: deep page ${latency.pages.active} / first page (median)`,
      s.deepActive.medianMs,
      s.firstActive.medianMs,
      { atMost: DEEP_RATIO_TARGET },
      'ms',
    ),
  ];
  return { targets, figures: { config: cfg, createUserPerSecond: loadRate, memory, latency: s } };
}

/**
 * MEMORY USAGE (SAMPLES 0: exact) of every key under the prefix, grouped by kind (the key's name
 * with the user or session id left out), plus the keyspace dict's bucket array (8 bytes a slot, a
 * power of two at least the number of keys), which MEMORY USAGE gives to no key. Sessions and the
 * audit stream (capped by AUDIT_MAX_EVENTS, not per user) are shown but not counted.
 */
async function memoryBreakdown(redis: Redis, scope: PrefixScope, keys: Directory['keys'], users: number) {
  const groups = new Map<string, { keys: number; bytes: number }>();
  let keyCount = 0;
  await scanKeys(redis, scope.pattern, async (all) => {
    const batch = all.filter((key) => key !== scope.markerKey);
    const sizes = await memoryUsage(redis, batch, 0);
    batch.forEach((key, i) => {
      const kind = key.slice(keys.base.length + 1).replace(/^(user|session):[^:]+/, '$1:<id>');
      const group = groups.get(kind) ?? { keys: 0, bytes: 0 };
      groups.set(kind, { keys: group.keys + 1, bytes: group.bytes + sizes[i]! });
    });
    keyCount += batch.length;
  });
  groups.set('keyspace dict buckets (est.)', { keys: 0, bytes: 2 ** Math.ceil(Math.log2(Math.max(keyCount, 1))) * 8 });
  const counted = (kind: string) => !kind.startsWith('session') && !kind.endsWith(':sessions') && kind !== 'audit';
  const rows = [...groups]
    .sort(([, a], [, b]) => b.bytes - a.bytes)
    .map(([kind, g]) => ({ kind, keys: g.keys, perUser: g.bytes / users, counted: counted(kind) }));
  return { rows, perUser: rows.filter((r) => r.counted).reduce((sum, r) => sum + r.perUser, 0) };
}

async function measureLatency(cfg: Config, directory: Directory) {
  // The cursor of the deepest full page up to BENCH_DEEP_PAGE, found by walking every page once.
  const deepCursor = async (query: ListQuery) => {
    const size = (await directory.listUsers({ ...query, limit: 1 })).total;
    const page = Math.max(1, Math.min(cfg.deepPage, Math.floor(size / PAGE_SIZE)));
    let cursor: string | undefined;
    for (let p = 1; p < page; p++) {
      checkStop();
      cursor = (await directory.listUsers({ ...query, limit: PAGE_SIZE, cursor })).nextCursor ?? undefined;
      if (!cursor) throw new Error(`the listing ended at page ${p}`);
    }
    return { page, cursor };
  };
  const deep = await deepCursor({});
  const deepActive = await deepCursor({ status: 'active' });
  /** A full page of the listing, every user of it `active` when the query says so. */
  const page = (query: ListQuery) => async () => {
    const p = await directory.listUsers({ ...query, limit: PAGE_SIZE });
    if (p.users.length !== PAGE_SIZE || (query.status && p.users.some((u) => u.status !== query.status)))
      throw new Error(`unexpected page for ${JSON.stringify(query)}`);
  };
  const ops = {
    first: page({}),
    deep: page({ cursor: deep.cursor }),
    firstActive: page({ status: 'active' }),
    deepActive: page({ status: 'active', cursor: deepActive.cursor }),
  };
  const names = Object.keys(ops) as (keyof typeof ops)[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<keyof typeof ops, number[]>;
  for (let round = 0; round < cfg.warmup + cfg.iterations; round++) {
    checkStop();
    for (const name of shuffle([...names])) {
      const t = nowMs();
      await ops[name]();
      if (round >= cfg.warmup) samples[name].push(nowMs() - t);
    }
  }
  const results = Object.fromEntries(names.map((n) => [n, summarize(samples[n])])) as Record<
    keyof typeof ops,
    ReturnType<typeof summarize>
  >;
  log(
    table(
      ['listUsers (limit 50), ms', '>median', '>p99'],
      names.map((n) => [n, fmtMs(results[n].medianMs), fmtMs(results[n].p99Ms)]),
    ),
  );
  return { results, pages: { all: deep.page, active: deepActive.page } };
}
