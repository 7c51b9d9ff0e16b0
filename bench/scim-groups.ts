import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config/index.js';
import type { Actor } from '../src/directory/index.js';
import { createLogger } from '../src/logger.js';
import { openRuntime } from '../src/runtime.js';
import type { BenchOutcome } from './run.js';
import { startBaseline } from './support/baseline-server.js';
import { checkStop, envInt } from './support/control.js';
import type { Op } from './support/http-load.js';
import { HttpLoad, type Pass } from './support/load-process.js';
import { BENCH_REDIS_URL, connect, infoField } from './support/redis.js';
import { environmentLine, fmtInt, fmtMs, loadAverage, ratioTarget, table } from './support/report.js';
import { withResources, type Resources } from './support/resources.js';
import { coresNote, startCpuWindow, startServiceProcess } from './support/service-process.js';
import { median, runBounded, summarize } from './support/stats.js';

// A group PATCH that changes one member, in a group of 10 and of 100,000, against the bare
// Express route in its own process, in the same run (issue 13: ≥ 0.3× for both).
//
//  The service runs as `npm start` runs it, in its own process (support/service-process.ts, its
//  own prefix), the baseline in another (support/baseline-server.ts), the load in a third
//  (support/http-load.ts). Both groups are filled
//  directly in the directory (pipelined SADDs through keys.ts's builders: filler ids), then
//  loaded with Okta's PATCH bodies, taken in turn: `add` of one of BENCH_GROUPS_USERS real SSO
//  users, and, half a cycle later, the `remove` of the same user — so every PATCH changes exactly
//  one membership (an add of a present member would change nothing). Also prints the memory a
//  membership costs (MEMORY USAGE of the member set and the reverse index).
//
//   BENCH_GROUPS_MEMBERS      members of the big group (100000)
//   BENCH_GROUPS_USERS        real SSO users the PATCHes add and remove (2000)
//   BENCH_GROUPS_CONCURRENCY  requests in flight during throughput passes (10)
//   BENCH_GROUPS_SECONDS / BENCH_GROUPS_WARMUP_SECONDS / BENCH_GROUPS_PASSES   (5 / 2 / 3)
//   BENCH_GROUPS_LATENCY_ROUNDS / BENCH_GROUPS_LATENCY_WARMUP                 (300 / 30)

const SYSTEM: Actor = { source: 'system' };
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function readConfig() {
  return {
    members: envInt('BENCH_GROUPS_MEMBERS', 100_000),
    users: envInt('BENCH_GROUPS_USERS', 2000),
    concurrency: envInt('BENCH_GROUPS_CONCURRENCY', 10),
    seconds: envInt('BENCH_GROUPS_SECONDS', 5),
    warmupSeconds: envInt('BENCH_GROUPS_WARMUP_SECONDS', 2),
    passes: envInt('BENCH_GROUPS_PASSES', 3),
    latencyRounds: envInt('BENCH_GROUPS_LATENCY_ROUNDS', 300),
    latencyWarmup: envInt('BENCH_GROUPS_LATENCY_WARMUP', 30),
  };
}
type BenchConfig = ReturnType<typeof readConfig>;

const log = (message = '') => console.log(message);

export async function run(): Promise<BenchOutcome> {
  const cfg = readConfig();
  return withResources(connect(), (res) => bench(cfg, res));
}

async function bench(cfg: BenchConfig, res: Resources): Promise<BenchOutcome> {
  log(
    `scim-groups: a group of 10 and of ${fmtInt(cfg.members)}; ${cfg.concurrency} requests in flight, ` +
      `${cfg.passes} × ${cfg.seconds} s passes after ${cfg.warmupSeconds} s warm-up each`,
  );
  log(environmentLine((await infoField(res.redis, 'server', 'redis_version')) ?? '?'));
  const load = res.process(new HttpLoad());
  const baseline = await startBaseline(res);

  const scope = await res.prefix('scim-groups');
  const config = loadConfig({
    REDIS_URL: BENCH_REDIS_URL,
    REDIS_PREFIX: scope.prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  });
  // This process's runtime fills the directory; the service answers from its own process.
  const runtime = openRuntime(config, createLogger('silent'), { jobs: false });
  res.onRelease('the runtime', () => runtime.close());
  const { directory } = runtime;
  const users: string[] = new Array(cfg.users);
  await runBounded(cfg.users, 128, async (i) => {
    const email = `group.member.${i}@okta-bench.example`;
    users[i] = (await directory.createUser({ name: `Member ${i}`, email, role: 'user', kind: 'sso' }, SYSTEM)).id;
  });
  const options = { actor: SYSTEM, adminGroups: [], adminRoles: [] };
  const fill = async (displayName: string, count: number) => {
    const group = await directory.groups.create({ displayName }, options);
    const filler = Array.from({ length: count }, () => randomUUID());
    for (let i = 0; i < count; i += 5000) {
      const pipeline = res.redis.pipeline();
      const batch = filler.slice(i, i + 5000);
      pipeline.sadd(directory.keys.groupMembers(group.id), ...batch);
      for (const id of batch) pipeline.sadd(directory.keys.userGroups(id), group.id);
      await pipeline.exec();
    }
    return { id: group.id, filler };
  };
  const small = await fill('bench-small', 10);
  const big = await fill('bench-big', cfg.members);
  const bytes = await directory.groups.memoryOf(big.id, big.filler);
  const setBytes = await directory.groups.memoryOf(big.id, []);
  log(
    `memory: ${fmtInt(cfg.members)} memberships take ${fmtInt(bytes)} bytes = ${(bytes / cfg.members).toFixed(0)} bytes per membership ` +
      `(${(setBytes / cfg.members).toFixed(0)} in the member set, ${((bytes - setBytes) / cfg.members).toFixed(0)} in the per-user reverse index)`,
  );

  const { token } = await directory.createScimToken('Okta (bench groups)');
  const server = await startServiceProcess(res, scope.prefix);
  log(`service: ${server.url}, pid ${server.pid}; baseline ${baseline.url}, pid ${baseline.pid}`);

  const patchOp = (name: string, groupId: string): Op => {
    const body = (op: object) => JSON.stringify({ schemas: [PATCH_OP], Operations: [op] });
    const adds = users.map((id) => body({ op: 'add', path: 'members', value: [{ value: id, display: id }] }));
    const removes = users.map((id) => body({ op: 'remove', path: `members[value eq "${id}"]` }));
    return {
      name,
      url: server.url,
      method: 'PATCH',
      path: `/scim/v2/Groups/${groupId}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: [...adds, ...removes],
      status: 204,
    };
  };
  const ops = { bare: baseline.op, small: patchOp('patch 10', small.id), big: patchOp(`patch ${cfg.members}`, big.id) };

  const samples = await load.latency(Object.values(ops), cfg.latencyRounds, cfg.latencyWarmup);
  const lat = Object.fromEntries(Object.values(ops).map((op) => [op.name, summarize(samples[op.name]!)]));
  log(
    table(
      ['latency, 1 in flight (ms)', '>n', '>median', '>p99'],
      Object.values(ops).map((op) => [
        op.name,
        fmtInt(lat[op.name]!.n),
        fmtMs(lat[op.name]!.medianMs),
        fmtMs(lat[op.name]!.p99Ms),
      ]),
    ),
  );

  const passes: Record<keyof typeof ops, Pass[]> = { bare: [], small: [], big: [] };
  for (let pass = 1; pass <= cfg.passes; pass++) {
    for (const [kind, op] of Object.entries(ops) as [keyof typeof ops, Op][]) {
      checkStop();
      const cpu = kind === 'bare' ? undefined : startCpuWindow(server);
      const p = await load.throughput({
        op,
        concurrency: cfg.concurrency,
        warmupMs: cfg.warmupSeconds * 1000,
        durationMs: cfg.seconds * 1000,
      });
      passes[kind].push(p);
      const l = summarize(p.result.latencyMs);
      log(
        `pass ${pass} ${kind.padEnd(5)}: ${fmtInt(p.perSecond).padStart(6)} req/s; median ${fmtMs(l.medianMs)} ms, p99 ${fmtMs(l.p99Ms)} ms` +
          coresNote(cpu?.end()).replace(/^(.+), $/, '; $1') +
          (p.result.failures > 0 ? `; ${p.result.failures} FAILED: ${p.result.errors.slice(0, 2).join(' | ')}` : ''),
      );
    }
  }
  const rate = (kind: keyof typeof ops) => median(passes[kind].map((p) => p.perSecond));
  const failures = (kind: keyof typeof ops) =>
    passes[kind].reduce((n, p) => n + p.result.failures + p.result.warmupFailures, 0);
  const bare = rate('bare');
  const members = await res.redis.scard(directory.keys.groupMembers(big.id));
  if (members < cfg.members) throw new Error(`the big group lost members: ${members}`);

  const targets = [
    ratioTarget(
      'group PATCH (one member), group of 10 / bare',
      rate('small'),
      bare,
      { atLeast: 0.3 },
      'req/s',
      failures('small'),
    ),
    ratioTarget(
      `group PATCH (one member), group of ${fmtInt(cfg.members)} / bare`,
      rate('big'),
      bare,
      { atLeast: 0.3 },
      'req/s',
      failures('big'),
    ),
    ratioTarget(
      `group PATCH median latency, ${fmtInt(cfg.members)} / 10 members`,
      lat[ops.big.name]!.medianMs,
      lat[ops.small.name]!.medianMs,
      { atMost: 1.5 },
      'ms',
    ),
  ];
  const row = (request: string, kind: keyof typeof ops) => {
    const ratio = rate(kind) / bare;
    return [
      request,
      fmtInt(rate(kind)),
      fmtInt(bare),
      `${ratio.toFixed(2)}×`,
      `≥ 0.3× ${failures(kind) === 0 && ratio >= 0.3 ? 'PASS' : 'FAIL'}`,
    ];
  };
  log(
    table(
      ['request', '>ours (req/s)', '>baseline (req/s)', '>ratio', 'goal'],
      [
        row('group PATCH add one member (10 members)', 'small'),
        row(`group PATCH add one member (${fmtInt(cfg.members)} members)`, 'big'),
      ],
    ),
  );
  log(`load average at the end: ${loadAverage()}`);
  const rates = Object.fromEntries(
    Object.keys(passes).map((k) => [k, passes[k as keyof typeof ops].map((p) => p.perSecond)]),
  );
  return {
    targets,
    figures: { config: cfg, rates, latency: lat, memory: { bytes, setBytes, perMembership: bytes / cfg.members } },
  };
}
