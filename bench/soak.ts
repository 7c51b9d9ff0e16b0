import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { checkStop, envInt } from './support/control.js';
import { fmtBytes, fmtInt, loadAverage, table, type Target } from './support/report.js';
import type { Kind, SoakMessage, SoakPlan } from './support/soak-load.js';
import { samlEnv, PUBLIC_URL } from '../test/saml/support/test-idp.js';
import { createLogger } from '../src/logger.js';
import { openRuntime } from '../src/runtime.js';
import { connect } from './support/redis.js';
import { withResources, type Resources } from './support/resources.js';
import { benchConfig } from './support/service.js';
import { startServiceProcess } from './support/service-process.js';

// The soak (issue 14): BENCH_SOAK_MINUTES (`--minutes N`, default 10; --small: 1) of mixed
// traffic at a steady rate from a separate process (support/soak-load.ts) against the real service
// with its workers, as `npm start` runs it, in its own process (support/service-process.ts, its
// own key prefix; this process seeds the directory and reads it back): SCIM list, filter and PATCH, admin list
// and create (each created user then deactivated and deleted, so the directory keeps its size),
// password logins and SAML logins (SP-initiated, signed by the test IdP), each followed by a
// logout. Each minute: p50/p99 per route and the errors (target 0). After the first minute
// (warm-up) and at the end: the service process's RSS and Redis memory (INFO used_memory, shared
// with whatever else uses this Redis, and the bytes of this run's own keys, MEMORY USAGE summed):
// target growth under 10 %. Then `doctor` must be clean.
//
//   BENCH_SOAK_MINUTES      minutes of traffic (default 10)
//   BENCH_SOAK_RATE         a multiplier of the rates below (default 1)
//   BENCH_SOAK_SCIM_USERS   SCIM users in the directory (default 2000)

// About ten requests a second in all: a steady office day on a machine shared with others (two cores).
const RATES: Record<Kind, number> = {
  'scim-list': 2,
  'scim-filter': 2,
  'scim-patch': 1.5,
  'admin-list': 1.5,
  'admin-create': 0.5,
  'password-login': 0.5,
  'saml-login': 0.5,
};
const PASSWORD = 'soak test passphrase of ours';
const GROWTH_LIMIT = 0.1;

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

/** Bytes of this run's keys (MEMORY USAGE), in all and by kind (the key's first name after the prefix). */
async function prefixBytes(redis: Redis, prefix: string): Promise<{ total: number; kinds: Record<string, number> }> {
  let cursor = '0';
  const kinds: Record<string, number> = {};
  let total = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key);
    ((await pipeline.exec()) ?? []).forEach(([, n], i) => {
      const parts = keys[i]!.slice(prefix.length + 3).split(':');
      const kind = ['saml', 'idx', 'rl', 'login', 'bits'].includes(parts[0]!) ? `${parts[0]}:${parts[1]}` : parts[0]!;
      kinds[kind] = (kinds[kind] ?? 0) + Number(n ?? 0);
      total += Number(n ?? 0);
    });
  } while (cursor !== '0');
  return { total, kinds };
}

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? NaN);
}

/** One SCIM user created as Okta creates them; answers its id and userName. */
async function provision(url: string, token: string, n: number): Promise<{ id: string; userName: string }> {
  const userName = `idp${n}@soak.test`;
  const response = await fetch(`${url}/scim/v2/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName,
      name: { givenName: 'Idp', familyName: `Person ${n}` },
      emails: [{ primary: true, value: userName, type: 'work' }],
      displayName: `Idp Person ${n}`,
      locale: 'en-US',
      externalId: `00usoak${n}`,
      groups: [],
      active: true,
    }),
  });
  const body = (await response.json()) as { id?: string; detail?: string };
  if (response.status !== 201 || !body.id) throw new Error(`seeding ${userName}: ${response.status} ${body.detail}`);
  return { id: body.id, userName };
}

export async function run(): Promise<{ targets: Target[]; figures: object }> {
  return withResources(connect(), soak);
}

async function soak(res: Resources): Promise<{ targets: Target[]; figures: object }> {
  const minutes = envInt('BENCH_SOAK_MINUTES', 10);
  const scale = Number(process.env.BENCH_SOAK_RATE ?? 1);
  const scimUsers = envInt('BENCH_SOAK_SCIM_USERS', 2000);
  // The audit stream is capped: a cap reached in the warm-up shows growth that is not the cap filling.
  const env = samlEnv({ LOG_LEVEL: 'warn', AUDIT_MAX_EVENTS: '500', JOB_WAIT_MS: '5000', LOGIN_MAX_CONCURRENT: '4' });
  const { prefix } = await res.prefix('soak');
  const runtime = openRuntime(benchConfig(prefix, env), createLogger('silent'), { jobs: false });
  res.onRelease('the runtime', () => runtime.close());
  const { directory, hasher, redis } = runtime;
  const server = await startServiceProcess(res, prefix, env, { workers: true });
  {
    console.log(`soak: ${minutes} min; seeding ${fmtInt(scimUsers)} SCIM users (load ${loadAverage()})`);
    const admin = await directory.createUser(
      {
        name: 'Soak Admin',
        email: 'admin@soak.test',
        role: 'admin',
        kind: 'password',
        passwordHash: await hasher.hash(PASSWORD),
      },
      { source: 'system' },
    );
    const { token: adminToken } = await directory.createSession(admin.id, 'full');
    const { token: scimToken } = await directory.createScimToken('soak');
    // Seeded as an IdP provisions them, through POST /scim/v2/Users (an Okta body): a user stored
    // any other way is rewritten by its first PATCH, and the directory would grow by that rewrite
    // during the soak without anything leaking.
    const seeded: { id: string; userName: string }[] = [];
    for (let i = 0; i < scimUsers; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, scimUsers - i) }, (_, j) => provision(server.url, scimToken, i + j)),
      );
      seeded.push(...batch);
    }
    const hash = await hasher.hash(PASSWORD);
    const passwordUsers: string[] = [];
    for (let i = 0; i < 20; i++) {
      const email = `pw${i}@soak.test`;
      await directory.createUser(
        { name: `Pass Person ${i}`, email, role: 'user', kind: 'password', passwordHash: hash },
        { source: 'system' },
      );
      passwordUsers.push(email);
    }
    const rates = Object.fromEntries(Object.entries(RATES).map(([k, v]) => [k, v * scale])) as Record<Kind, number>;
    const plan: SoakPlan = {
      url: server.url,
      minutes,
      rates,
      adminToken,
      scimToken,
      scimUsers: seeded,
      passwordUsers,
      password: PASSWORD,
      samlPeople: 20,
      publicUrl: PUBLIC_URL,
    };
    console.log(
      `rates per second: ${Object.entries(rates)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );

    const child = fork(fileURLToPath(new URL('./support/soak-load.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const rows: (string | number)[][] = [];
    const perMinute: object[] = [];
    let errors = 0;
    let start: { rss: number; used: number; own: number; kinds: Record<string, number> } | undefined;
    const sample = async () => {
      const own = await prefixBytes(redis as Redis, prefix);
      return {
        rss: server.rssBytes() ?? NaN,
        used: await usedMemory(redis as Redis),
        own: own.total,
        kinds: own.kinds,
      };
    };
    await new Promise<void>((resolve, reject) => {
      child.on('exit', (code) => reject(new Error(`soak load process exited (${code})`)));
      const stopper = setInterval(() => {
        try {
          checkStop();
        } catch (error) {
          clearInterval(stopper);
          child.kill();
          reject(error);
        }
      }, 500);
      child.on('message', (m: SoakMessage) => {
        void (async () => {
          if (m.type === 'failed') return reject(new Error(m.error));
          if (m.type === 'done') {
            clearInterval(stopper);
            child.removeAllListeners('exit');
            child.kill();
            return resolve();
          }
          errors += m.errors;
          const minuteRows = Object.entries(m.latencies)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([route, ms]) => {
              const sorted = [...ms].sort((a, b) => a - b);
              return [
                m.minute,
                route,
                fmtInt(ms.length),
                percentile(sorted, 0.5).toFixed(1),
                percentile(sorted, 0.99).toFixed(1),
              ];
            });
          rows.push(...minuteRows, [m.minute, 'errors', fmtInt(m.errors), '', '']);
          perMinute.push({ minute: m.minute, rows: minuteRows, errors: m.errors, examples: m.examples });
          console.log(`\n${table(['minute', 'route', '>requests', '>p50 ms', '>p99 ms'], minuteRows)}`);
          console.log(
            `minute ${m.minute}: ${m.errors} errors${m.examples.length ? `, e.g. ${m.examples.join(' | ')}` : ''} ` +
              `(service RSS ${fmtBytes(server.rssBytes() ?? NaN)}; load ${loadAverage()})`,
          );
          if (m.minute === 1) {
            start = await sample();
            console.log(
              `after warm-up: RSS ${fmtBytes(start.rss)}, Redis used_memory ${fmtBytes(start.used)}, this run's keys ${fmtBytes(start.own)}`,
            );
          }
        })().catch(reject);
      });
      child.send(plan);
    });
    const end = await sample();
    const doctor = await directory.checkIndexes();
    const growth = (a: number, b: number) => (b - a) / a;
    const s = start ?? end;
    console.log(
      `\n${table(
        ['route', 'minute', '>requests', '>p50 ms', '>p99 ms'],
        rows.map((r) => [r[1]!, r[0]!, r[2]!, r[3]!, r[4]!]),
      )}`,
    );
    console.log(
      `\n${table(
        ['memory', '>after warm-up', '>end', '>growth'],
        [
          ['service RSS', fmtBytes(s.rss), fmtBytes(end.rss), `${(growth(s.rss, end.rss) * 100).toFixed(1)} %`],
          [
            'Redis used_memory (shared)',
            fmtBytes(s.used),
            fmtBytes(end.used),
            `${(growth(s.used, end.used) * 100).toFixed(1)} %`,
          ],
          ["this run's keys", fmtBytes(s.own), fmtBytes(end.own), `${(growth(s.own, end.own) * 100).toFixed(1)} %`],
        ],
      )}`,
    );
    const kinds = [...new Set([...Object.keys(s.kinds), ...Object.keys(end.kinds)])].sort();
    console.log(
      `\n${table(
        ["this run's keys by kind", '>after warm-up', '>end'],
        kinds.map((k) => [k, fmtBytes(s.kinds[k] ?? 0), fmtBytes(end.kinds[k] ?? 0)]),
      )}`,
    );
    console.log(`errors: ${errors}; doctor: ${doctor.users} users, ${doctor.mismatches.length} mismatches`);
    const pct = (a: number, b: number) => `${(growth(a, b) * 100).toFixed(1)} %`;
    return {
      targets: [
        { name: 'soak errors', measured: fmtInt(errors), limit: '0', pass: errors === 0 },
        {
          name: 'service RSS growth after warm-up',
          measured: pct(s.rss, end.rss),
          limit: '< 10 %',
          pass: growth(s.rss, end.rss) < GROWTH_LIMIT,
        },
        {
          name: "Redis growth (this run's keys)",
          measured: pct(s.own, end.own),
          limit: '< 10 %',
          pass: growth(s.own, end.own) < GROWTH_LIMIT,
        },
        {
          name: 'doctor after the soak',
          measured: `${doctor.mismatches.length} mismatches`,
          limit: '0',
          pass: doctor.mismatches.length === 0,
        },
      ],
      figures: { minutes, rates, perMinute, errors, memory: { start: s, end }, doctor: doctor.mismatches.length },
    };
  }
}
