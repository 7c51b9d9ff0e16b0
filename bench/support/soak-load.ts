import { inflateRawSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';

// The soak's load process (forked by bench/soak.ts): mixed traffic at a steady rate, open loop
// (each request starts on its schedule, whether or not the ones before it have answered), for
// `minutes`; it reports each minute's latencies per route and its errors to the parent.

export interface SoakPlan {
  url: string;
  minutes: number;
  /** Requests per second of each kind. */
  rates: Record<Kind, number>;
  adminToken: string;
  scimToken: string;
  /** SCIM users to filter for and PATCH. */
  scimUsers: { id: string; userName: string }[];
  /** Password users who sign in (and out). */
  passwordUsers: string[];
  password: string;
  /** People the IdP signs in (SAML JIT creates them at their first login). */
  samlPeople: number;
  publicUrl: string;
}

export type Kind =
  'scim-list' | 'scim-filter' | 'scim-patch' | 'admin-list' | 'admin-create' | 'password-login' | 'saml-login';

export interface MinuteReport {
  type: 'minute';
  minute: number;
  /** Milliseconds of each answered request, per route. */
  latencies: Record<string, number[]>;
  errors: number;
  examples: string[];
}

export type SoakMessage = MinuteReport | { type: 'done' } | { type: 'failed'; error: string };

const MAX_IN_FLIGHT = 64;
const TIMEOUT_MS = 10_000;

class Minute {
  latencies: Record<string, number[]> = {};
  errors = 0;
  examples: string[] = [];
  record(route: string, ms: number) {
    (this.latencies[route] ??= []).push(ms);
  }
  error(what: string) {
    this.errors++;
    if (this.examples.length < 5) this.examples.push(what);
  }
}

export async function soak(plan: SoakPlan, report: (m: SoakMessage) => void): Promise<void> {
  let minute = new Minute();
  let inFlight = 0;
  let n = 0;
  const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
  const admin = { authorization: `Bearer ${plan.adminToken}` };
  const scim = { authorization: `Bearer ${plan.scimToken}`, 'content-type': 'application/scim+json' };
  const json = { 'content-type': 'application/json' };
  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;

  /** One timed request; a status other than `expect` is an error. */
  async function timed(route: string, expect: number, path: string, init: RequestInit) {
    const started = performance.now();
    const reply = await fetch(`${plan.url}${path}`, {
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
      ...init,
    });
    const text = await reply.text();
    minute.record(route, performance.now() - started);
    if (reply.status !== expect) throw new Error(`${route}: ${reply.status} ${text.slice(0, 160)}`);
    return { reply, text };
  }

  const { idpResponse } = await import('../../test/saml/support/test-idp.js');
  const ops: Record<Kind, () => Promise<void>> = {
    'scim-list': async () => {
      await timed('GET /scim/v2/Users', 200, '/scim/v2/Users?startIndex=1&count=20', { headers: scim });
    },
    'scim-filter': async () => {
      const { userName } = pick(plan.scimUsers);
      const filter = encodeURIComponent(`userName eq "${userName}"`);
      await timed('GET /scim/v2/Users?filter', 200, `/scim/v2/Users?filter=${filter}`, { headers: scim });
    },
    'scim-patch': async () => {
      const { id } = pick(plan.scimUsers);
      const body = JSON.stringify({
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'displayName', value: `Soak Person ${++n}` }],
      });
      await timed('PATCH /scim/v2/Users/:id', 200, `/scim/v2/Users/${id}`, { method: 'PATCH', headers: scim, body });
    },
    'admin-list': async () => {
      await timed('GET /api/v1/users', 200, '/api/v1/users?limit=20', { headers: admin });
    },
    // A whole lifecycle, so that the directory stays the same size: create, deactivate, delete.
    'admin-create': async () => {
      const i = ++n;
      const body = JSON.stringify({ name: `Soak Made ${i}`, email: `made${i}-${process.pid}@soak.test`, role: 'user' });
      const created = await timed('POST /api/v1/users', 201, '/api/v1/users', {
        method: 'POST',
        headers: { ...admin, ...json },
        body,
      });
      const id = (JSON.parse(created.text) as { user: { id: string } }).user.id;
      await timed('POST /api/v1/users/:id/deactivate', 200, `/api/v1/users/${id}/deactivate`, {
        method: 'POST',
        headers: admin,
      });
      await timed('DELETE /api/v1/users/:id', 204, `/api/v1/users/${id}`, { method: 'DELETE', headers: admin });
    },
    'password-login': async () => {
      const body = JSON.stringify({ email: pick(plan.passwordUsers), password: plan.password });
      const login = await timed('POST /auth/login', 200, '/auth/login', { method: 'POST', headers: json, body });
      const { token } = JSON.parse(login.text) as { token: string };
      await timed('POST /auth/logout', 204, '/auth/logout', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
    },
    'saml-login': async () => {
      const start = await timed('GET /saml/login', 302, '/saml/login?RelayState=%2Fhome', {});
      const loginCookie = start.reply.headers
        .getSetCookie()
        .find((c) => c.startsWith('rune_saml_login='))
        ?.split(';')[0];
      const deflated = new URL(start.reply.headers.get('location')!).searchParams.get('SAMLRequest')!;
      const inResponseTo = /\sID="([^"]+)"/.exec(inflateRawSync(Buffer.from(deflated, 'base64')).toString('utf8'))?.[1];
      const { base64 } = await idpResponse({ inResponseTo, nameId: `person${n++ % plan.samlPeople}@soak.test` });
      const acs = await timed('POST /saml/acs', 302, '/saml/acs', {
        method: 'POST',
        headers: { cookie: loginCookie!, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ SAMLResponse: base64, RelayState: '/home' }).toString(),
      });
      const session = acs.reply.headers
        .getSetCookie()
        .find((c) => c.startsWith('rune_session='))
        ?.split(';')[0];
      if (!session) throw new Error('POST /saml/acs: no session cookie');
      await timed('POST /auth/logout', 204, '/auth/logout', {
        method: 'POST',
        headers: { cookie: session, origin: plan.publicUrl },
      });
    },
  };

  const fire = (kind: Kind) => {
    if (inFlight >= MAX_IN_FLIGHT) {
      minute.error(`${kind}: ${MAX_IN_FLIGHT} requests already in flight`);
      return;
    }
    inFlight++;
    ops[kind]()
      .catch((error: unknown) => minute.error(error instanceof Error ? error.message : String(error)))
      .finally(() => inFlight--);
  };

  const started = performance.now();
  const end = started + plan.minutes * 60_000;
  // Each kind on its own steady schedule: the k-th request at started + k / rate.
  const timers = (Object.entries(plan.rates) as [Kind, number][])
    .filter(([, rate]) => rate > 0)
    .map(([kind, rate]) => {
      let k = 0;
      const tick = () => {
        const now = performance.now();
        while (started + (k * 1000) / rate <= now && now < end) {
          k++;
          fire(kind);
        }
      };
      return setInterval(tick, 10);
    });
  for (let m = 1; m <= plan.minutes; m++) {
    await new Promise((resolve) => setTimeout(resolve, started + m * 60_000 - performance.now()));
    if (m === plan.minutes) {
      timers.forEach(clearInterval);
      // The last minute's requests still answering count in it.
      const drain = performance.now() + TIMEOUT_MS;
      while (inFlight > 0 && performance.now() < drain) await new Promise((r) => setTimeout(r, 50));
    }
    const done = minute;
    minute = new Minute();
    report({ type: 'minute', minute: m, latencies: done.latencies, errors: done.errors, examples: done.examples });
  }
  report({ type: 'done' });
}

if (process.send) {
  process.on('disconnect', () => process.exit(0));
  process.once('message', (plan: SoakPlan) => {
    soak(plan, (m) => process.send!(m)).catch((error: unknown) =>
      process.send!({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
}
