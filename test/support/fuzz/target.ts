import { client } from '../http.js';
import { onboardUser, setUpAdmin } from '../journeys.js';
import { startTestServer, type TestServer } from '../server.js';
import { idpResponse, samlEnv, PERSISTENT_FORMAT } from '../../saml/support/test-idp.js';
import { encodeText } from './arbitraries.js';
import { startHealthProbe } from './health-probe.js';
import { SIGNED_RESPONSES, type RouteCase } from './route-cases.js';

// The real server the fuzz cases are sent to, with what they need: a signed-in admin, a SCIM
// token, a user the admin API may act on, a signed-in user for /auth, a SCIM-managed user, and
// signed SAML responses (IdP-initiated sign-in on, so they need no login request).

export interface Answer {
  status: number;
  contentType: string;
  body: unknown;
  text: string;
  /** From sending the request to the last byte of the answer. */
  ms: number;
  /** /healthz, asked from another thread while the case ran: its slowest answer; status 0 if one failed. */
  health: { status: number; ms: number };
}

export interface FuzzTarget {
  server: TestServer;
  send(c: RouteCase): Promise<Answer>;
  close(): Promise<void>;
}

const USER_PASSWORD = 'a long enough passphrase for fuzzing';
/** How long a case may run before its answer counts as missing. */
const GIVE_UP_MS = 15_000;

// argon2 at its cheapest: hashing runs on libuv's threads, off the event loop, and is measured by
// the login bench; here it would only add its cost to the bound on every user created or signed in.
const CHEAP_ARGON2 = { ARGON2_MEMORY_KIB: '8192', ARGON2_TIME_COST: '1' };

export async function startFuzzTarget(env: Record<string, string> = {}): Promise<FuzzTarget> {
  const server = await startTestServer(samlEnv({ SAML_ALLOW_IDP_INITIATED: 'true', ...CHEAP_ARGON2, ...env }));
  try {
    return await prepare(server);
  } catch (error) {
    await server.close();
    throw error;
  }
}

async function prepare(server: TestServer): Promise<FuzzTarget> {
  const api = client(server.url);
  const admin = await setUpAdmin(api);
  const scimToken = (await api.post('/api/v1/scim-tokens', { name: 'Fuzz IdP' }, { token: admin.token })).body
    .token as string;
  const target = await api.post(
    '/api/v1/users',
    { name: 'Fuzz Target', email: 'target@corp.test', role: 'user' },
    { token: admin.token },
  );
  await onboardUser(api, admin.token, { name: 'Pat Example', email: 'signed-in@corp.test' }, USER_PASSWORD);
  const userToken = (await api.post('/auth/login', { email: 'signed-in@corp.test', password: USER_PASSWORD })).body
    .token as string;
  const scimUser = await fetch(`${server.url}/scim/v2/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'scim-target@corp.test',
      name: { givenName: 'Scim', familyName: 'Target' },
      emails: [{ primary: true, value: 'scim-target@corp.test' }],
      active: true,
    }),
  });
  const scimUserId = ((await scimUser.json()) as { id: string }).id;
  if (!scimToken || !target.body.user?.id || !userToken || !scimUserId)
    throw new Error('fuzz target: fixture setup failed');

  const signed = await signedResponses(admin.email);
  // The validation pool's threads start cold (module load, JIT): warm each once, so the time
  // bound measures the ACS and not its first start.
  const warmUp = `SAMLResponse=${encodeURIComponent(Buffer.from('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><a/></samlp:Response>').toString('base64'))}`;
  for (let round = 0; round < 3; round++) {
    await Promise.all(
      Array.from({ length: server.config.saml?.poolSize ?? 2 }, () =>
        fetch(`${server.url}/saml/acs`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: warmUp,
        }).then((r) => r.arrayBuffer()),
      ),
    );
  }
  let unique = 0;
  const symbols: Record<string, () => string> = {
    n: () => `${process.pid}x${++unique}`,
    user: () => target.body.user.id as string,
    scimUser: () => scimUserId,
    userEmail: () => 'signed-in@corp.test',
    userToken: () => userToken,
  };

  const expand = (s: string): string =>
    s.replace(
      /⟦(?:rep (\d+) ("(?:[^"\\]|\\.)*")|signed (\d+)|(\w+))⟧/g,
      (_all, n?: string, text?: string, i?: string, name?: string) => {
        if (n !== undefined) return (JSON.parse(text!) as string).repeat(Number(n));
        if (i !== undefined) return signed[Number(i)]!;
        const symbol = symbols[name!];
        if (!symbol) throw new Error(`fuzz: unknown symbol ⟦${name}⟧`);
        return symbol();
      },
    );
  const expandDeep = (value: unknown): unknown => {
    if (typeof value === 'string') return expand(value);
    if (Array.isArray(value)) return value.map(expandDeep);
    if (value && typeof value === 'object') {
      // Own keys only, __proto__ included: JSON.stringify writes them as they are.
      const copy: Record<string, unknown> = Object.create(null);
      for (const key of Object.keys(value)) copy[key] = expandDeep((value as Record<string, unknown>)[key]);
      return copy;
    }
    return value;
  };

  const credentials = (c: RouteCase): Record<string, string> => {
    if (c.auth === 'admin') return { authorization: `Bearer ${admin.token}` };
    if (c.auth === 'scim') return { authorization: `Bearer ${scimToken}` };
    if (c.auth === 'user') return { authorization: `Bearer ${userToken}` };
    if (c.auth === 'none') return {};
    const headers: Record<string, string> = {};
    if (c.auth.authorization !== undefined) headers.authorization = expand(c.auth.authorization);
    if (c.auth.cookie !== undefined) headers.cookie = expand(c.auth.cookie);
    if (c.auth.origin !== undefined) headers.origin = c.auth.origin;
    return headers;
  };

  const request = (c: RouteCase): { url: string; init: RequestInit } => {
    let path = c.path;
    if (c.id !== undefined) path = path.replace(':id', encodeText(expand(c.id)));
    if (c.query && c.query.length > 0)
      path += `?${c.query.map(([k, v]) => `${encodeText(k)}=${encodeText(expand(v))}`).join('&')}`;
    const headers = credentials(c);
    let body: string | undefined;
    if (c.body && 'json' in c.body) {
      body = JSON.stringify(expandDeep(c.body.json));
      headers['content-type'] = c.family === 'scim' ? 'application/scim+json' : 'application/json';
    } else if (c.body && 'raw' in c.body) {
      body = expand(c.body.raw);
      headers['content-type'] = c.body.type;
    } else if (c.body && 'form' in c.body) {
      body = c.body.form.map(([k, v]) => `${encodeText(k)}=${encodeText(expand(v))}`).join('&');
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    return { url: `${server.url}${path}`, init: { method: c.method, headers, body, redirect: 'manual' } };
  };

  const probe = startHealthProbe(server.url);
  await probe.ready();

  return {
    server,
    async send(c) {
      const { url, init } = request(c);
      probe.reset();
      const started = performance.now();
      const answered = (async () => {
        try {
          const response = await fetch(url, { ...init, signal: AbortSignal.timeout(GIVE_UP_MS) });
          const text = await response.text();
          const ms = performance.now() - started;
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = text;
          }
          return { status: response.status, contentType: response.headers.get('content-type') ?? '', body, text, ms };
        } catch (error) {
          return {
            status: 0,
            contentType: '',
            body: undefined,
            text: `no answer: ${(error as Error).message}`,
            ms: performance.now() - started,
          };
        }
      })();
      const answer = await answered;
      const health = probe.read();
      return { ...answer, health: { status: health.failures > 0 ? 0 : 200, ms: health.ms } };
    },
    async close() {
      await probe.stop();
      await server.close();
    },
  };
}

/** Signed, IdP-initiated responses; the last makes a new NameID out to the admin's email. */
async function signedResponses(adminEmail: string): Promise<string[]> {
  const tag = `${process.pid}-${Date.now()}`;
  const made = await Promise.all([
    idpResponse({ nameId: `fuzz-saml-${tag}@corp.test` }),
    idpResponse({
      nameId: '__proto__',
      nameIdFormat: PERSISTENT_FORMAT,
      attributes: { email: `__proto__-${tag}@corp.test`, firstName: 'constructor' },
    }),
    idpResponse({
      nameId: 'constructor',
      nameIdFormat: PERSISTENT_FORMAT,
      attributes: { email: `constructor-${tag}@corp.test`, lastName: '__proto__' },
    }),
    idpResponse({
      nameId: `long-${tag}`,
      nameIdFormat: PERSISTENT_FORMAT,
      attributes: { email: `long-${tag}@corp.test`, firstName: 'x'.repeat(3000) },
    }),
    idpResponse({
      nameId: `many-${tag}`,
      nameIdFormat: PERSISTENT_FORMAT,
      attributes: { email: [`many-${tag}@corp.test`, 'second@corp.test'], role: ['admin', '__proto__'] },
    }),
    idpResponse({
      nameId: `attacker-pid-${tag}`,
      nameIdFormat: PERSISTENT_FORMAT,
      attributes: { email: adminEmail.toUpperCase() },
    }),
  ]);
  if (made.length !== SIGNED_RESPONSES)
    throw new Error('fuzz target: SIGNED_RESPONSES does not match the responses made');
  return made.map((m) => m.base64);
}
