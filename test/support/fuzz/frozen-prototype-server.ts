// node --import tsx test/support/fuzz/frozen-prototype-server.ts
//
// Loads the service and generates its cases, freezes Object.prototype, starts the real server (startFuzzTarget) and
// sends it the nastiest requests: the review's reproductions and every generated case that must
// be refused. A request that writes to Object.prototype now throws a TypeError (ESM is strict)
// instead of polluting it quietly. Exits 1 on any 5xx, missing answer or such TypeError (logged
// or answered), listing each; 0 when there was none. It runs in a child process because a frozen
// prototype would break the other specs of the mocha process.
//
// Frozen after the modules are loaded, not before: libraries assign `X.prototype.constructor = X`
// at load time (xpath, under xml-crypto), which a frozen Object.prototype turns into a TypeError
// (the "override mistake"). That is a library starting up, not a request writing.

const FROZEN_WRITE =
  /Cannot (assign to read only property|add property|define property|redefine property)|object is not extensible/;
const SEED = 20261201;
const SAMPLED_PER_FAMILY = Number(process.env.FROZEN_FUZZ_CASES ?? 150);

const problems: string[] = [];
process.on('uncaughtException', (error) => {
  console.error(`uncaught exception: ${error?.stack ?? error}`);
  process.exit(3);
});

const { default: fc } = await import('fast-check');
const { startFuzzTarget } = await import('./target.js');
const { CASES, FAMILIES, oktaUser } = await import('./route-cases.js');
const { protoKeyed, rep } = await import('./arbitraries.js');
// Everything the server loads lazily as it starts, loaded now, before the freeze.
await import('../../../src/runtime.js');
await import('../../../src/http/app.js');
type RouteCase = import('./route-cases.js').RouteCase;

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const scimList = (name: string, value: string): RouteCase => ({
  family: 'scim',
  route: 'GET /scim/v2/Users',
  method: 'GET',
  path: '/scim/v2/Users',
  query: [[name, value]],
  auth: 'scim',
  expect: 'refused',
});
const scimPatch = (path: string, value: unknown): RouteCase => ({
  family: 'scim',
  route: 'PATCH /scim/v2/Users/:id',
  method: 'PATCH',
  path: '/scim/v2/Users/:id',
  id: '⟦scimUser⟧',
  body: { json: { schemas: [PATCH_OP], Operations: [{ op: 'add', path, value }] } },
  auth: 'scim',
  expect: 'refused',
});

/** The review's reproductions, as the cases the suite would generate. */
const REPRODUCTIONS: RouteCase[] = [
  scimList('excludedAttributes', '__proto__.x'),
  scimList('attributes', '__proto__.x'),
  scimList('attributes', 'constructor.prototype.x'),
  scimList('filter', 'urn:x.__proto__.polluted eq "admin"'),
  scimList('filter', 'name.constructor.prototype.polluted eq "admin"'),
  scimList('sortBy', '__proto__.x'),
  scimPatch('__proto__.polluted', 'yes'),
  scimPatch('constructor.prototype.polluted', 'yes'),
  scimPatch('name.__proto__.polluted', 'yes'),
  { ...scimPatch('name', protoKeyed({ polluted: 'yes' })), expect: 'answered' },
  {
    family: 'scim',
    route: 'POST /scim/v2/Users',
    method: 'POST',
    path: '/scim/v2/Users',
    body: { json: { ...oktaUser(), ...protoKeyed({ polluted: 'yes' }) } },
    auth: 'scim',
    expect: 'answered',
  },
  {
    family: 'admin',
    route: 'POST /api/v1/users',
    method: 'POST',
    path: '/api/v1/users',
    body: { json: { name: 'x', email: 'p⟦n⟧@corp.test', role: 'user', ...protoKeyed({ role: 'admin' }) } },
    auth: 'admin',
    expect: 'refused',
  },
  {
    family: 'admin',
    route: 'GET /api/v1/users',
    method: 'GET',
    path: '/api/v1/users',
    query: [
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ],
    auth: 'admin',
    expect: 'refused',
  },
  {
    family: 'auth',
    route: 'POST /auth/login',
    method: 'POST',
    path: '/auth/login',
    body: { json: { email: 'a@corp.test', password: 'x', ...protoKeyed({ admin: true }) } },
    auth: 'none',
    expect: 'refused',
  },
  // And the review's other 500s, which a frozen prototype must not turn into new ones.
  scimList('startIndex', '1e300'),
  scimList('filter', 'userName eq "\\q"'),
  {
    family: 'scim',
    route: 'GET /scim/v2/Users/:id',
    method: 'GET',
    path: '/scim/v2/Users/:id',
    id: '\ud800',
    auth: 'scim',
    expect: 'refused',
  },
  {
    family: 'scim',
    route: 'GET /scim/v2/Users/:id',
    method: 'GET',
    path: '/scim/v2/Users/:id',
    id: '⟦scimUser⟧:sessions',
    auth: 'scim',
    expect: 'refused',
  },
  { ...scimPatch(`a${rep(64_000, '.a')}`, 'x'), why: '64,000 dotted segments' },
  {
    family: 'scim',
    route: 'POST /scim/v2/Users/.search',
    method: 'POST',
    path: '/scim/v2/Users/.search',
    body: {
      json: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: `${rep(20_000, '(')}userName eq "a"${rep(20_000, ')')}`,
      },
    },
    auth: 'scim',
    expect: 'refused',
  },
  {
    family: 'scim',
    route: 'POST /scim/v2/Users',
    method: 'POST',
    path: '/scim/v2/Users',
    body: {
      raw: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"d⟦n⟧","emails":${rep(100_000, '[')}${rep(100_000, ']')}}`,
      type: 'application/scim+json',
    },
    auth: 'scim',
    expect: 'refused',
  },
  {
    family: 'admin',
    route: 'GET /api/v1/jobs/:id',
    method: 'GET',
    path: '/api/v1/jobs/:id',
    id: 'deactivation:meta',
    auth: 'admin',
    expect: 'refused',
  },
  {
    family: 'auth',
    route: 'POST /auth/login',
    method: 'POST',
    path: '/auth/login',
    body: { json: { email: 'a\ud800@corp.test', password: 'x' } },
    auth: 'none',
    expect: 'refused',
  },
];

// Generated before the freeze: fast-check's own object building assigns keys such as valueOf.
const sampled = FAMILIES.flatMap((family) =>
  fc.sample(CASES[family], { seed: SEED, numRuns: SAMPLED_PER_FAMILY }).filter((c) => c.expect === 'refused'),
);

Object.freeze(Object.prototype);
const target = await startFuzzTarget({ LOG_LEVEL: 'info' });
let sent = 0;
try {
  for (const c of [...REPRODUCTIONS, ...sampled]) {
    const answer = await target.send(c);
    sent++;
    if (answer.status === 0 || answer.status >= 500 || FROZEN_WRITE.test(answer.text)) {
      problems.push(
        `${c.route} → ${answer.status}: ${answer.text.slice(0, 300)}\n    case: ${JSON.stringify(c).slice(0, 500)}`,
      );
    }
  }
  for (const line of target.server.logs) if (FROZEN_WRITE.test(line)) problems.push(`logged: ${line.slice(0, 600)}`);
} finally {
  await target.close();
}

console.log(`${sent} requests sent with Object.prototype frozen; ${problems.length} problem(s)`);
for (const problem of problems) console.log(`  ${problem}`);
process.exit(problems.length > 0 ? 1 : 0);
