import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { Directory, type Actor, type ListQuery, type NewUser } from '../src/directory/index.js';
import { directoryKeys, type DirectoryKeys } from '../src/directory/keys.js';
import { checkStop, envBool, envInt } from './support/control.js';
import {
  connect,
  deleteMatching,
  infoField,
  memoryUsage,
  scanKeys,
  usedMemory,
  type PrefixScope,
} from './support/redis.js';
import type { BenchOutcome } from './run.js';
import { fmtBytes, fmtInt, fmtMs, ratioTarget, table, type Target } from './support/report.js';
import { withResources, type Resources } from './support/resources.js';
import { median, nowMs, runBounded, shuffle, summarize, type Summary } from './support/stats.js';
import { fakeUsers } from './support/users.js';

// Directory at scale: load rate through the real createUser script (against a raw HSET
// baseline), Redis memory per user, and lookup / listing / search latency at N users, judged on
// the deep page over the first (same run, interleaved). Memory is judged in bytes: it does not
// move with the machine's load, as times do.
//
//   BENCH_USERS          users to create (default 100000)
//   BENCH_CONCURRENCY    createUser / HSET calls in flight (default 500)
//   BENCH_ITERATIONS     measured rounds of the latency ops (default 1000)
//   BENCH_WARMUP         warm-up rounds before them (default 100)
//   BENCH_DEEP_PAGE      the "deep" page number (default 1000)
//   BENCH_RAW_PASSES     passes of the raw HSET baseline, median taken (default 3)
//   BENCH_AUTOPIPELINE   ioredis enableAutoPipelining (default true)

const SYSTEM: Actor = { source: 'system' };
const PAGE_SIZE = 50;
const MEMORY_TARGET_BYTES = 1024;
const DEEP_RATIO_TARGET = 1.5;
const LOAD_WARMUP_USERS = 2000;

function readConfig() {
  return {
    users: envInt('BENCH_USERS', 100_000),
    concurrency: envInt('BENCH_CONCURRENCY', 500),
    iterations: envInt('BENCH_ITERATIONS', 1000),
    warmup: envInt('BENCH_WARMUP', 100),
    deepPage: envInt('BENCH_DEEP_PAGE', 1000),
    rawPasses: envInt('BENCH_RAW_PASSES', 3),
    autoPipeline: envBool('BENCH_AUTOPIPELINE', true),
  };
}
type Config = ReturnType<typeof readConfig>;

// Same encoding as src/directory/queries/list-users.ts (not exported there): base64url of `s<seq>`.
const encodeCursor = (seq: number) => Buffer.from(`s${seq}`).toString('base64url');

const newDirectory = (redis: Redis, prefix: string) =>
  new Directory(redis, { prefix, session: { idleTtlSeconds: 3600, maxTtlSeconds: 86_400 } });

const log = (message = '') => console.log(message);

export async function run(): Promise<BenchOutcome> {
  const cfg = readConfig();
  return withResources(connect({ enableAutoPipelining: cfg.autoPipeline }), (res) => bench(cfg, res.redis, res));
}

async function bench(cfg: Config, redis: Redis, res: Resources): Promise<BenchOutcome> {
  const redisVersion = (await infoField(redis, 'server', 'redis_version')) ?? '?';
  log(
    `directory-load: ${fmtInt(cfg.users)} users, ${cfg.concurrency} in flight, autopipelining ${cfg.autoPipeline ? 'on' : 'off'}; ` +
      `Redis ${redisVersion}, Node ${process.version}, ${os.cpus().length} CPUs`,
  );

  let t = nowMs();
  const users = fakeUsers(cfg.users);
  log(
    `generated ${fmtInt(users.length)} users in ${fmtMs(nowMs() - t)} ms ` +
      `(${users.filter((u) => u.role === 'admin').length} admins, ${users.filter((u) => u.status === 'inactive').length} inactive)`,
  );

  // Warm-up of both write paths under a throwaway prefix: loads the scripts, warms the JIT.
  const warm = await res.prefix('warm');
  const warmDir = newDirectory(redis, warm.prefix);
  const warmUsers = fakeUsers(LOAD_WARMUP_USERS, { seed: 7 });
  await runBounded(warmUsers.length, cfg.concurrency, (i) => warmDir.createUser(warmUsers[i]!, SYSTEM));
  await runBounded(warmUsers.length, cfg.concurrency, (i) =>
    redis.hset(`{${warm.prefix}}:raw:${i}`, rawFields(warmUsers[i]!, `warm-${i}`, i)),
  );
  await res.releasePrefix(warm);

  // Key names count towards memory: a prefix as long as the production default `rune`.
  const scope = await res.prefix('b', { length: 'rune'.length });
  const keys = directoryKeys(scope.prefix);
  const directory = newDirectory(redis, scope.prefix);
  log(`prefix: ${scope.prefix} (keys ${scope.pattern}; as long as the production default "rune")`);

  // 1. Load through the real createUser script.
  await sleep(200);
  const memoryBefore = await usedMemory(redis);
  const ids = new Array<string>(users.length);
  t = nowMs();
  await runBounded(users.length, cfg.concurrency, async (i) => {
    ids[i] = (await directory.createUser(users[i]!, SYSTEM)).id;
  });
  const loadMs = nowMs() - t;
  const loadRate = users.length / (loadMs / 1000);
  const total = await directory.countUsers();
  if (total !== users.length) throw new Error(`expected ${users.length} users, the directory holds ${total}`);
  log(`createUser: ${fmtInt(users.length)} users in ${(loadMs / 1000).toFixed(2)} s = ${fmtInt(loadRate)} users/s`);

  // 2. Memory: used_memory delta (noisy on a shared server) and a MEMORY USAGE breakdown.
  await sleep(500);
  const memoryAfter = await usedMemory(redis);
  const memory = await memoryBreakdown(redis, scope, keys, users.length);
  const usedMemoryPerUser = (memoryAfter - memoryBefore) / users.length;
  log();
  log(
    `memory: used_memory ${fmtBytes(memoryBefore)} -> ${fmtBytes(memoryAfter)}, ` +
      `delta ${fmtBytes(memoryAfter - memoryBefore)} = ${fmtInt(usedMemoryPerUser)} B/user (includes the audit stream)`,
  );
  log(
    table(
      ['key kind', '>keys', '>total', '>B/user', '>B/key', 'in target'],
      memory.rows.map((r) => [
        r.kind,
        r.keys === null ? '-' : fmtInt(r.keys),
        fmtBytes(r.bytes),
        r.perUser.toFixed(1),
        r.keys ? fmtInt(r.bytes / r.keys) : '-',
        r.inTarget ? 'yes' : 'no',
      ]),
    ),
  );
  log(
    `MEMORY USAGE per user: ${fmtInt(memory.perUserTarget)} B excluding sessions and the audit stream; ` +
      `${fmtInt(memory.perUserWithAudit)} B with the audit stream`,
  );

  // Raw baseline: pipelined HSET of a hash like the user hash, same concurrency. A few passes
  // (keys deleted after each), median taken: one pass is easily skewed on a shared machine.
  const rawArgs = users.map((u, i) => rawFields(u, ids[i]!, i + 1));
  const rawPasses: { seconds: number; perSecond: number }[] = [];
  for (let pass = 0; pass < cfg.rawPasses; pass++) {
    t = nowMs();
    await runBounded(users.length, cfg.concurrency, (i) => redis.hset(`${keys.base}:raw:${pass}:${i}`, rawArgs[i]!));
    const seconds = (nowMs() - t) / 1000;
    rawPasses.push({ seconds, perSecond: users.length / seconds });
    await deleteMatching(redis, `${keys.base}:raw:*`);
  }
  const rawRate = median(rawPasses.map((p) => p.perSecond));
  const loadRatio = loadRate / rawRate;
  log();
  log(
    `raw HSET baseline: ${fmtInt(users.length)} hashes × ${rawPasses.length} passes: ` +
      `${rawPasses.map((p) => fmtInt(p.perSecond)).join(', ')} hashes/s; median ${fmtInt(rawRate)}; ` +
      `createUser / HSET = ${loadRatio.toFixed(3)}`,
  );

  // 3. Latency.
  const latency = await measureLatency(cfg, redis, directory, keys, users);

  // Summary.
  const r = latency.results;
  const targets: Target[] = [
    {
      name: 'memory per user (MEMORY USAGE, excl. sessions & audit)',
      measured: `${fmtInt(memory.perUserTarget)} B`,
      limit: `<= ${MEMORY_TARGET_BYTES} B`,
      pass: memory.perUserTarget <= MEMORY_TARGET_BYTES,
    },
    ratioTarget(
      `deep page ${latency.deepPage} / first page (median)`,
      r.deep.medianMs,
      r.first.medianMs,
      { atMost: DEEP_RATIO_TARGET },
      'ms',
    ),
    ratioTarget(
      `status=active: deep page ${latency.deepActivePage} / first page (median)`,
      r.deepActive.medianMs,
      r.firstActive.medianMs,
      { atMost: DEEP_RATIO_TARGET },
      'ms',
    ),
  ];

  log();
  log(`=== directory-load summary (${fmtInt(users.length)} users) ===`);
  log(
    table(
      ['measure', '>value'],
      [
        ['createUser load rate / raw HSET rate', `${fmtInt(loadRate)} / ${fmtInt(rawRate)} = ${loadRatio.toFixed(3)}`],
        // The audit stream is capped (AUDIT_MAX_EVENTS), not per user: shown, not a target.
        ['memory per user, MEMORY USAGE incl. audit', `${fmtInt(memory.perUserWithAudit)} B`],
        ['memory per user, used_memory delta', `${fmtInt(usedMemoryPerUser)} B`],
      ],
    ),
  );
  log();
  log(
    table(
      ['latency (ms)', '>median', '>p99', '>mean', '>max'],
      latency.ops.map((op) => {
        const s = r[op.id];
        return [op.label, fmtMs(s.medianMs), fmtMs(s.p99Ms), fmtMs(s.meanMs), fmtMs(s.maxMs)];
      }),
    ),
  );
  log(`(${fmtInt(cfg.iterations)} rounds after ${fmtInt(cfg.warmup)} warm-up rounds, ops interleaved in random order)`);
  return {
    targets,
    figures: {
      config: { ...cfg, pageSize: PAGE_SIZE, redis: redisVersion },
      load: { createUserPerSecond: loadRate, rawHsetPerSecond: rawRate, rawPasses, ratio: loadRatio },
      memory: {
        usedMemoryPerUser,
        perUserExclSessionsAndAudit: memory.perUserTarget,
        perUserInclAudit: memory.perUserWithAudit,
        rows: memory.rows,
      },
      latency: r,
    },
  };
}

/** HSET arguments for a hash with the same fields and sizes as a user hash. */
function rawFields(u: NewUser, id: string, seq: number): string[] {
  const now = String(Date.now());
  return [
    'id',
    id,
    'name',
    u.name,
    'email',
    u.email,
    'userName',
    u.email,
    'role',
    u.role,
    'status',
    u.status ?? 'active',
    'kind',
    u.kind,
    'mustChangePassword',
    '0',
    'seq',
    String(seq),
    'createdAt',
    now,
    'updatedAt',
    now,
    'version',
    '1',
  ];
}

interface MemoryRow {
  kind: string;
  keys: number | null;
  bytes: number;
  perUser: number;
  inTarget: boolean;
}

/**
 * MEMORY USAGE (SAMPLES 0: exact) of every key under the prefix, grouped: per-user keys by
 * kind, shared keys (indexes, lists, search, audit) one row each. Plus an estimate of the
 * keyspace hash table's bucket array, which MEMORY USAGE does not attribute to any key.
 */
async function memoryBreakdown(redis: Redis, scope: PrefixScope, keys: DirectoryKeys, users: number) {
  const groups = new Map<string, { keys: number; bytes: number }>();
  let keyCount = 0;
  await scanKeys(redis, scope.pattern, async (all) => {
    const batch = all.filter((key) => key !== scope.markerKey);
    const sizes = await memoryUsage(redis, batch, 0);
    batch.forEach((key, i) => {
      const kind = classify(key, keys);
      const group = groups.get(kind) ?? { keys: 0, bytes: 0 };
      group.keys += 1;
      group.bytes += sizes[i]!;
      groups.set(kind, group);
    });
    keyCount += batch.length;
  });
  const excluded = (kind: string) => kind === 'audit stream' || kind.startsWith('sessions');
  const order = (kind: string) =>
    ['user hash', 'password string'].includes(kind)
      ? 0
      : kind.startsWith('idx')
        ? 1
        : kind.startsWith('users')
          ? 2
          : kind.startsWith('search')
            ? 3
            : excluded(kind)
              ? 5
              : 4;
  const rows: MemoryRow[] = [...groups]
    .sort(([a, ga], [b, gb]) => order(a) - order(b) || gb.bytes - ga.bytes)
    .map(([kind, g]) => ({ kind, keys: g.keys, bytes: g.bytes, perUser: g.bytes / users, inTarget: !excluded(kind) }));
  if (!groups.has('sessions')) rows.push({ kind: 'sessions', keys: 0, bytes: 0, perUser: 0, inTarget: false });
  // The main dict's bucket array: 8 bytes a slot, a power of two at least the number of keys.
  const buckets = 2 ** Math.ceil(Math.log2(Math.max(keyCount, 1))) * 8;
  rows.splice(
    rows.findIndex((r) => !r.inTarget),
    0,
    { kind: 'keyspace dict buckets (est.)', keys: null, bytes: buckets, perUser: buckets / users, inTarget: true },
  );
  const sum = (pick: (r: MemoryRow) => boolean) => rows.filter(pick).reduce((s, r) => s + r.bytes, 0) / users;
  return {
    rows,
    perUserTarget: sum((r) => r.inTarget),
    perUserWithAudit: sum((r) => r.inTarget || r.kind === 'audit stream'),
  };
}

function classify(key: string, k: DirectoryKeys): string {
  const b = k.base;
  if (key.startsWith(`${b}:user:`)) {
    if (key.endsWith(':password')) return 'password string';
    if (key.endsWith(':sessions')) return 'sessions (per-user zset)';
    return 'user hash';
  }
  if (key.startsWith(`${b}:session:`)) return 'sessions';
  if (key === k.search) return 'search zset';
  if (key === k.audit) return 'audit stream';
  if (key === k.activeAdmins) return 'active admins set';
  if (key === k.sequence) return 'sequence counter';
  if (key.startsWith(`${b}:`)) return key.slice(b.length + 1); // idx:email, users, users:active:user, …
  return 'other';
}

interface Op {
  id: 'email' | 'first' | 'deep' | 'firstActive' | 'deepActive' | 'searchEmail' | 'searchName';
  label: string;
  call: () => Promise<void>;
}

async function measureLatency(cfg: Config, redis: Redis, directory: Directory, keys: DirectoryKeys, users: NewUser[]) {
  const random = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;

  // Cursors of the deep pages, found by walking every page once, checked against the lists.
  const deepCursor = async (query: ListQuery, listKey?: string) => {
    const size = (await directory.listUsers({ ...query, limit: 1 })).total;
    // The deepest full page up to BENCH_DEEP_PAGE (smaller runs have fewer pages).
    const page = Math.max(1, Math.min(cfg.deepPage, Math.floor(size / PAGE_SIZE)));
    let cursor: string | undefined;
    const t = nowMs();
    for (let p = 1; p < page; p++) {
      checkStop();
      const result = await directory.listUsers({ ...query, limit: PAGE_SIZE, cursor });
      if (!result.nextCursor) throw new Error(`listing ${listKey} ended at page ${p}`);
      cursor = result.nextCursor;
    }
    const walkMs = nowMs() - t;
    // The unfiltered list is a sorted set: check the walked cursor against its rank.
    if (page > 1 && listKey) {
      const [, score] = await redis.zrange(
        listKey,
        (page - 1) * PAGE_SIZE - 1,
        (page - 1) * PAGE_SIZE - 1,
        'WITHSCORES',
      );
      if (cursor !== encodeCursor(Number(score)))
        throw new Error(`walked cursor of ${listKey} page ${page} is not seq ${score}`);
    }
    log(
      `walked ${page - 1} pages of ${keys.filterName(query) ?? 'all users'} in ${fmtMs(walkMs)} ms to reach page ${page}`,
    );
    return { page, cursor };
  };
  const deep = await deepCursor({}, keys.users);
  const deepActive = await deepCursor({ status: 'active' });

  // The broad search: the most common first name among the users, as a lower-case prefix of the name.
  const lastNames = new Map<string, number>();
  for (const u of users) {
    const first = u.name.split(' ')[0]!.toLowerCase();
    lastNames.set(first, (lastNames.get(first) ?? 0) + 1);
  }
  const [broadName] = [...lastNames].sort((a, b) => b[1] - a[1])[0]!;

  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`unexpected answer: ${what}`);
  };
  /** A full page of the listing, every user of it `active` when the query says so. */
  const page = (id: Op['id'], label: string, query: ListQuery): Op => ({
    id,
    label,
    call: async () => {
      const p = await directory.listUsers({ ...query, limit: PAGE_SIZE });
      check(p.users.length === PAGE_SIZE && (!query.status || p.users.every((u) => u.status === query.status)), label);
    },
  });
  const ops: Op[] = [
    {
      id: 'email',
      label: 'findUserByEmail',
      call: async () => {
        const email = random(users).email;
        check((await directory.findUserByEmail(email))?.email === email, `findUserByEmail(${email})`);
      },
    },
    page('first', 'listUsers first page (limit 50)', {}),
    page('deep', `listUsers page ${deep.page} (limit 50)`, { cursor: deep.cursor }),
    page('firstActive', 'listUsers status=active first page', { status: 'active' }),
    page('deepActive', `listUsers status=active page ${deepActive.page}`, {
      status: 'active',
      cursor: deepActive.cursor,
    }),
    {
      id: 'searchEmail',
      label: 'search q=<exact email> (info)',
      call: async () => {
        const email = random(users).email;
        const p = await directory.listUsers({ q: email, limit: PAGE_SIZE });
        check(p.total === 1 && p.users[0]?.email === email, `search ${email}`);
      },
    },
    {
      id: 'searchName',
      label: `search q=${broadName} (${fmtInt(lastNames.get(broadName)!)} users, info)`,
      call: async () => {
        check(
          (await directory.listUsers({ q: broadName, limit: PAGE_SIZE })).total >= lastNames.get(broadName)!,
          `search ${broadName}`,
        );
      },
    },
  ];

  const samples = Object.fromEntries(ops.map((op) => [op.id, [] as number[]])) as Record<Op['id'], number[]>;
  for (let round = 0; round < cfg.warmup + cfg.iterations; round++) {
    checkStop();
    for (const op of shuffle([...ops])) {
      const t = nowMs();
      await op.call();
      const elapsed = nowMs() - t;
      if (round >= cfg.warmup) samples[op.id].push(elapsed);
    }
  }
  const results = Object.fromEntries(ops.map((op) => [op.id, summarize(samples[op.id])])) as Record<Op['id'], Summary>;
  return { ops, results, deepPage: deep.page, deepActivePage: deepActive.page };
}
