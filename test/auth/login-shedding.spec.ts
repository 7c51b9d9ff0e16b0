import { expect } from 'chai';
import { availableParallelism, loadavg } from 'node:os';
import { spawnServer, type ServerProcess } from '../support/server-process.js';
import { client, type Client } from '../support/http.js';
import { setUpAdmin, onboardUser } from '../support/journeys.js';

// A flood of password sign-ins: argon2's work is bounded (LOGIN_MAX_CONCURRENT), the excess is
// refused at once with 503 login_busy and Retry-After, and SCIM and the admin API keep their
// latency meanwhile. The server is a process of its own, as in production: the flood and the
// measurements come from this one.

const MAX_CONCURRENT = process.env.SHEDDING_MAX_CONCURRENT ?? '4';
const FLOOD_CLIENTS = Number(process.env.SHEDDING_CLIENTS ?? 12);
// Logins a second the flood aims at: ~10x what argon2 can check here (~20/s on one core). Each
// client waits for its answer, so a slower server gets fewer; a flood that never waits is the
// HTTP layer's load, for a proxy's rate limit, not argon2's queue.
const FLOOD_RATE = Number(process.env.SHEDDING_RATE ?? 200);
const SAMPLES = 100;
const TARGET_MS = 50;

const p = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

async function latencies(api: Client, paths: string[], token: string): Promise<number[]> {
  const took: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const path = paths[i % paths.length]!;
    const started = performance.now();
    const reply = await api.get(path, { token });
    took.push(performance.now() - started);
    expect(reply.status, `${path}: ${reply.text}`).to.equal(200);
  }
  return took.sort((a, b) => a - b);
}

describe('auth: login load shedding @slow', function () {
  this.timeout(300_000);
  let server: ServerProcess;
  before(async () => {
    server = await spawnServer({
      env: { LOGIN_MAX_CONCURRENT: MAX_CONCURRENT, LOGIN_MAX_FAILURES: '1000' },
    });
  });
  after(() => server?.close());

  it(`a flood of parallel logins: some 503 login_busy with Retry-After at once, none 500; SCIM and admin GETs keep p99 under 50 ms meanwhile`, async () => {
    const api = client(server.url);
    const admin = await setUpAdmin(api);
    const password = 'orbit lantern meadow 42';
    await onboardUser(api, admin.token, { name: 'Flo Flood', email: 'flo@corp.test' }, password);
    const scimToken = (await api.post('/api/v1/scim-tokens', { name: 'Okta' }, { token: admin.token })).body.token;
    const scimIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const email = `scim-${i}@corp.test`;
      const created = await api.post(
        '/scim/v2/Users',
        {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: email,
          emails: [{ value: email, primary: true }],
        },
        { token: scimToken },
      );
      expect(created.status, created.text).to.equal(201);
      scimIds.push(created.body.id);
    }
    const scimPaths = [...scimIds.map((id) => `/scim/v2/Users/${id}`), '/scim/v2/Users?count=10'];
    const adminPaths = ['/api/v1/users?limit=20', '/api/v1/users?q=flo'];

    const t0 = Date.now();
    const step = (what: string) => process.env.SHEDDING_DEBUG && console.log(`      [${Date.now() - t0} ms] ${what}`);
    step('set up');
    // SCIM and the admin API side by side, each a sequence of SAMPLES requests.
    const [quietScim, quietAdmin] = await Promise.all([
      latencies(api, scimPaths, scimToken),
      latencies(api, adminPaths, admin.token),
    ]);

    const statuses = new Map<number, number>();
    const busyTimes: number[] = [];
    let busyWithoutRetryAfter = 0;
    let networkErrors = 0;
    let flooding = true;
    const flooder = async (k: number) => {
      for (let i = 0; flooding; i++) {
        const started = performance.now();
        // Half the flood has the right password, half a wrong one for an unknown account.
        const reply = await (
          (i + k) % 2 === 0
            ? api.post('/auth/login', { email: 'flo@corp.test', password })
            : api.post('/auth/login', { email: `nobody-${k}-${i}@corp.test`, password: 'wrong password 12345' })
        ).catch(() => undefined);
        if (!reply) {
          networkErrors++;
          continue;
        }
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        const took = performance.now() - started;
        if (reply.status === 503) {
          busyTimes.push(took);
          if (!/^\d+$/.test(reply.headers.get('retry-after') ?? '') || reply.body.code !== 'login_busy')
            busyWithoutRetryAfter++;
        }
        const pace = (1000 * FLOOD_CLIENTS) / FLOOD_RATE - took;
        if (pace > 0) await new Promise((resolve) => setTimeout(resolve, pace));
      }
    };
    step('quiet measured');
    const floodFrom = performance.now();
    const flood = Promise.all(Array.from({ length: FLOOD_CLIENTS }, (_, k) => flooder(k)));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const [floodScim, floodAdmin] = await Promise.all([
      latencies(api, scimPaths, scimToken),
      latencies(api, adminPaths, admin.token),
    ]);
    step('flood measured');
    flooding = false;
    await flood;

    const floodSeconds = (performance.now() - floodFrom) / 1000;
    step('flood over');
    busyTimes.sort((a, b) => a - b);
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(
      `      LOGIN_MAX_CONCURRENT=${MAX_CONCURRENT}, ${FLOOD_CLIENTS} flooding clients: ${total} logins in ${floodSeconds.toFixed(1)} s (${(total / floodSeconds).toFixed(0)}/s; ` +
        [...statuses.entries()].map(([s, n]) => `${s}×${n}`).join(' ') +
        `; ${networkErrors} connection errors on the flooding side), a 503's answer p50 ${ms(p(busyTimes, 0.5))} p99 ${ms(p(busyTimes, 0.99))}`,
    );
    console.log(
      `      over ${SAMPLES} requests each — SCIM GET p50/p99: quiet ${ms(p(quietScim, 0.5))}/${ms(p(quietScim, 0.99))}, ` +
        `under the flood ${ms(p(floodScim, 0.5))}/${ms(p(floodScim, 0.99))}; admin GET: quiet ${ms(p(quietAdmin, 0.5))}/${ms(p(quietAdmin, 0.99))}, ` +
        `under the flood ${ms(p(floodAdmin, 0.5))}/${ms(p(floodAdmin, 0.99))}`,
    );
    expect(statuses.get(503) ?? 0, 'logins shed').to.be.greaterThan(0);
    expect(busyWithoutRetryAfter, '503s without Retry-After or login_busy').to.equal(0);
    expect(statuses.get(200) ?? 0, 'logins served meanwhile').to.be.greaterThan(0);
    for (const status of statuses.keys()) expect(status, 'a login status').to.be.oneOf([200, 401, 503]);
    // The 50 ms target is asserted where the machine can serve these GETs in under half of it
    // with no flood (quiet p99 < 25 ms); on a machine loaded by others (2 shared cores) the
    // figures are printed, and said to be unmeasurable here, rather than asserted.
    const quietP99 = Math.max(p(quietScim, 0.99), p(quietAdmin, 0.99));
    const floodP99 = { scim: p(floodScim, 0.99), admin: p(floodAdmin, 0.99) };
    const met = floodP99.scim < TARGET_MS && floodP99.admin < TARGET_MS;
    const measurable = quietP99 < TARGET_MS / 2;
    console.log(
      `      p99 under the flood: SCIM ${ms(floodP99.scim)}, admin ${ms(floodP99.admin)}: ` +
        (met
          ? `under the ${TARGET_MS} ms target`
          : measurable
            ? `OVER the ${TARGET_MS} ms target`
            : `not measurable on this machine now: its quiet p99 is already ${ms(quietP99)} (load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`),
    );
    if (measurable) {
      expect(floodP99.scim, 'SCIM GET p99 under the flood').to.be.below(TARGET_MS);
      expect(floodP99.admin, 'admin GET p99 under the flood').to.be.below(TARGET_MS);
    }
  });
});
