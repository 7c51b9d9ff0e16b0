import fc from 'fast-check';
import {
  CORE, ENTERPRISE, PROTO_NAMES, encodeText, expandReps, anyText, attributeList, attributeName, bodyFilterValue, deepJson, filterValue, foreignId,
  hostileQueryText, hostileText, invalid, jobId, personName, knownAttribute, patchPath, plainWord, protoKeyed, protoName, protoPath, queryNumber, rep,
  unknown, valid, verdictOf, withLoneSurrogate, wrongType, type Tagged, type Verdict,
} from './arbitraries.js';

// One generated request to a route, with what a correct service must answer. Symbolic parts
// are expanded when it is sent (target.ts): ⟦rep N "s"⟧, ⟦n⟧ (a number unique to this send),
// ⟦scimUser⟧ / ⟦user⟧ (ids of fixture users), ⟦userEmail⟧, ⟦signed i⟧ (a signed SAML response).

export type Family = 'scim' | 'admin' | 'auth' | 'saml';
export const FAMILIES: readonly Family[] = ['scim', 'admin', 'auth', 'saml'];

/** ok: a 2xx (a 302 for the ACS); refused: a 4xx in the route's format; answered: either. */
export type Expectation = 'ok' | 'refused' | 'answered';

/** Which credentials the request carries: the fixture's, or these literal headers. */
export type Auth = 'admin' | 'scim' | 'user' | 'none' | { authorization?: string; cookie?: string; origin?: string };

export type Body = { json: unknown } | { raw: string; type: string } | { form: [string, string][] };

export interface RouteCase {
  family: Family;
  /** The route as documented, e.g. PATCH /scim/v2/Users/:id. */
  route: string;
  method: string;
  /** The path with :id in it where the route has one. */
  path: string;
  id?: string;
  query?: [string, string][];
  body?: Body;
  auth: Auth;
  expect: Expectation;
  why?: string;
}

// Beyond 16 KiB of request head Node answers 431 itself, before any route runs: keep under it.
const URL_BUDGET = 12_000;
const fitsUrl = (c: RouteCase) =>
  encodeText(expandReps(`${c.id ?? ''}${(c.query ?? []).flat().join('')}`)).length < URL_BUDGET;

const expectationOf = (verdict: Verdict): Expectation => (verdict === 'valid' ? 'ok' : verdict === 'invalid' ? 'refused' : 'answered');

function routeCase(base: Omit<RouteCase, 'expect' | 'why'>, parts: Tagged<unknown>[]): RouteCase {
  const why = parts.filter((p) => p.why).map((p) => p.why).join('; ');
  return { ...base, expect: expectationOf(verdictOf(parts)), ...(why ? { why } : {}) };
}

/** Optional query parameters: each present or not, in the order given. */
function queryOf(entries: [string, Tagged | null][]): { query: [string, string][]; parts: Tagged[] } {
  const present = entries.filter((e): e is [string, Tagged] => e[1] !== null);
  return { query: present.map(([k, t]) => [k, t.v]), parts: present.map(([, t]) => t) };
}

// Credentials that are not the route's: each gets a 401 or a 403.
const visibleAscii = fc.stringMatching(/^[!-~]{0,60}$/);
const wrongCredentials = (family: Family): fc.Arbitrary<{ auth: Auth; part: Tagged<unknown> }> => fc.oneof(
  fc.constant({ auth: 'none' as Auth, part: invalid(null, 'no credentials') }),
  visibleAscii.map((t) => ({ auth: { authorization: `Bearer ${t}` } as Auth, part: invalid(null, 'garbage bearer token') })),
  fc.constantFrom('Bearer', 'Basic YWRtaW46YWRtaW4=', 'bearer  ', `Bearer ${'a'.repeat(5000)}`)
    .map((h) => ({ auth: { authorization: h } as Auth, part: invalid(null, 'malformed authorization') })),
  visibleAscii.map((t) => ({ auth: { cookie: `rune_session=${t.replace(/[;,]/g, '')}` } as Auth, part: invalid(null, 'garbage session cookie') })),
  fc.constant({ auth: (family === 'scim' ? 'admin' : 'scim') as Auth, part: invalid(null, 'the other kind of token') }),
);

/** The route's credentials (mostly) or wrong ones. */
function credentials(family: Family, right: Auth): fc.Arbitrary<{ auth: Auth; part: Tagged<unknown> | null }> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant({ auth: right, part: null }) },
    { weight: 1, arbitrary: wrongCredentials(family) },
  );
}
const withAuth = (c: { auth: Auth; part: Tagged<unknown> | null }, parts: Tagged<unknown>[]) => (c.part ? [...parts, c.part] : parts);

// --- one field of a valid body replaced -------------------------------------------------------

type Mutation = { key: string; value: unknown; part: Tagged<unknown> } | { key: string; remove: true; part: Tagged<unknown> };

/** Replaces or removes one field (a /-separated path); `required` fields refuse a wrong type or removal. */
function mutateOne(body: Record<string, unknown>, fields: { key: string; required: boolean; string: boolean }[]): fc.Arbitrary<{ body: Record<string, unknown>; part: Tagged<unknown> }> {
  const field = fc.constantFrom(...fields);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.tuple(field, wrongType).map(([f, v]) => ({ key: f.key, value: v, part: { v, verdict: f.required ? 'invalid' : 'unknown', why: `${f.key}: wrong type` } as Tagged<unknown> })),
    fc.tuple(field.filter((f) => f.string), hostileText).map(([f, t]) => ({ key: f.key, value: t.v, part: { ...t, why: `${f.key}: ${t.why}` } })),
    fc.tuple(field.filter((f) => f.string), protoName).map(([f, p]) => ({ key: f.key, value: f.key.includes('mail') || f.key === 'userName' ? `${p}⟦n⟧@corp.test` : `${p}⟦n⟧`, part: valid(p) })),
    field.map((f) => ({ key: f.key, remove: true as const, part: { v: null, verdict: f.required ? 'invalid' : 'valid', why: f.required ? `${f.key} missing` : undefined } as Tagged<unknown> })),
  );
  return mutation.map((m) => {
    const copy = structuredClone(body);
    const path = m.key.split('/');
    let at: any = copy;
    for (const segment of path.slice(0, -1)) at = at[/^\d+$/.test(segment) ? Number(segment) : segment];
    const last = path[path.length - 1]!;
    if ('remove' in m) delete at[last];
    else at[/^\d+$/.test(last) ? Number(last) : last] = m.value;
    return { body: copy, part: m.part };
  });
}

/** An own __proto__ / constructor key added to a body. */
function withProtoKey(body: Record<string, unknown>, verdict: Verdict): fc.Arbitrary<{ body: Record<string, unknown>; part: Tagged<unknown> }> {
  return fc.tuple(protoName, fc.constantFrom<unknown>({ active: false }, { role: 'admin' }, { polluted: 'yes' }, 'x')).map(([name, value]) => {
    const extra = name === '__proto__' ? protoKeyed(value) : { [name]: value };
    return { body: { ...body, ...extra }, part: { v: name, verdict, why: `own ${name} key` } };
  });
}

// --- SCIM ----------------------------------------------------------------------------------

const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** What Okta sends to create a user. */
export const oktaUser = () => ({
  schemas: [CORE],
  userName: 'fuzz⟦n⟧@corp.test',
  name: { givenName: 'Fuzz', familyName: 'Case' },
  emails: [{ primary: true, value: 'fuzz⟦n⟧@corp.test', type: 'work' }],
  displayName: 'Fuzz Case',
  title: 'Tester',
  externalId: 'ext⟦n⟧',
  active: true,
});

/** What Entra ID sends: userName is the UPN, with the enterprise extension. */
export const entraUser = () => ({
  schemas: [CORE, ENTERPRISE],
  externalId: 'entra⟦n⟧',
  userName: 'upn⟦n⟧@corp.test',
  active: true,
  displayName: 'Entra Case',
  emails: [{ primary: true, type: 'work', value: 'entra⟦n⟧@corp.test' }],
  name: { formatted: 'Entra Case', familyName: 'Case', givenName: 'Entra' },
  title: 'Engineer',
  [ENTERPRISE]: { employeeNumber: '⟦n⟧', department: 'Research' },
});

// The service sets a User's schemas itself (src/scim/quirks.ts takes IdP bodies leniently), so
// wrong or missing `schemas` may be accepted; a wrong userName may not.
const SCIM_USER_FIELDS = [
  { key: 'userName', required: true, string: true },
  { key: 'name/givenName', required: false, string: true },
  { key: 'name/familyName', required: false, string: true },
  { key: 'emails/0/value', required: false, string: true },
  { key: 'displayName', required: false, string: true },
  { key: 'title', required: false, string: true },
  { key: 'externalId', required: false, string: true },
  { key: 'schemas', required: false, string: false },
];
const ENTRA_USER_FIELDS = [
  ...SCIM_USER_FIELDS,
  { key: 'name/formatted', required: false, string: true },
  { key: `${ENTERPRISE}/employeeNumber`, required: false, string: true },
  { key: `${ENTERPRISE}/department`, required: false, string: true },
];

const scimUserBody: fc.Arbitrary<{ body: Body; part: Tagged<unknown> }> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ body: { json: oktaUser() } as Body, part: valid(null) }) },
  { weight: 1, arbitrary: fc.constant({ body: { json: entraUser() } as Body, part: valid(null) }) },
  { weight: 4, arbitrary: mutateOne(oktaUser(), SCIM_USER_FIELDS).map((m) => ({ body: { json: m.body } as Body, part: m.part })) },
  { weight: 3, arbitrary: mutateOne(entraUser(), ENTRA_USER_FIELDS).map((m) => ({ body: { json: m.body } as Body, part: m.part })) },
  { weight: 1, arbitrary: withProtoKey(oktaUser(), 'unknown').map((m) => ({ body: { json: m.body } as Body, part: m.part })) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constant(invalid(`{"schemas":["${CORE}"],"userName":"deep⟦n⟧","emails":${deepJson(100_000)}}`, '100,000 nested [')),
      fc.constant(invalid(`{"schemas":["${CORE}"],"userName":"deep⟦n⟧","name":${deepJson(20_000, '{"a":', '}').replace('"}"', '1')}}`, 'deep objects')),
      fc.constantFrom('{', 'null', '[]', '"x"', '{"schemas":', `{"schemas":["${CORE}"],"userName":"a\\ud800"}`).map((raw) => invalid(raw, 'not a User')),
    ).map((t) => ({ body: { raw: t.v, type: 'application/scim+json' } as Body, part: t as Tagged<unknown> })),
  },
);

const scimUsersList = fc.record({
  creds: credentials('scim', 'scim'),
  filter: fc.option(filterValue, { nil: null }),
  attributes: fc.option(attributeList, { nil: null }),
  excluded: fc.option(attributeList, { nil: null }),
  sortBy: fc.option(fc.oneof(fc.constant(valid('userName')), attributeName.filter((a) => a.verdict !== 'valid'), knownAttribute.map((a) => unknown(a, 'sort by any attribute'))), { nil: null }),
  sortOrder: fc.option(fc.oneof(fc.constantFrom('ascending', 'descending').map(valid), anyText.map((t) => unknown(t, 'odd sortOrder'))), { nil: null }),
  startIndex: fc.option(queryNumber(1, 100_000, 'unknown'), { nil: null }),
  count: fc.option(queryNumber(0, 200, 'unknown'), { nil: null }),
}).map((r) => {
  const { query, parts } = queryOf([
    ['filter', r.filter], ['attributes', r.attributes], ['excludedAttributes', r.excluded], ['sortBy', r.sortBy],
    ['sortOrder', r.sortOrder], ['startIndex', r.startIndex], ['count', r.count],
  ]);
  if (r.attributes && r.excluded && verdictOf(parts) === 'valid') parts.push(unknown('', 'attributes and excludedAttributes together'));
  return routeCase({ family: 'scim', route: 'GET /scim/v2/Users', method: 'GET', path: '/scim/v2/Users', query, auth: r.creds.auth }, withAuth(r.creds, parts));
});

// One parameter alone, so that what it alone does is seen (and shrunk to).
const scimSingleParameter = fc.oneof(
  fc.tuple(fc.constant('filter'), filterValue),
  fc.tuple(fc.constantFrom('attributes', 'excludedAttributes'), attributeList),
  fc.tuple(fc.constant('sortBy'), attributeName.filter((a) => a.verdict !== 'valid')),
  fc.tuple(fc.constant('startIndex'), queryNumber(1, 100_000, 'unknown')),
  fc.tuple(fc.constant('count'), queryNumber(0, 200, 'unknown')),
).map(([name, value]) => routeCase({ family: 'scim', route: 'GET /scim/v2/Users', method: 'GET', path: '/scim/v2/Users', query: [[name, value.v]], auth: 'scim' }, [value]));

const scimSearch = fc.record({
  creds: credentials('scim', 'scim'),
  schemas: fc.oneof({ weight: 5, arbitrary: fc.constant(valid<unknown>([SEARCH_REQUEST])) }, { weight: 1, arbitrary: wrongType.map((v) => invalid(v, 'schemas wrong')) }),
  filter: fc.option(bodyFilterValue, { nil: null }),
  attributes: fc.option(fc.array(attributeName, { minLength: 1, maxLength: 3 }), { nil: null }),
  startIndex: fc.option(fc.oneof(fc.integer({ min: 1, max: 1000 }).map((n) => valid<unknown>(n)), fc.constantFrom<unknown>(1e300, -1, 0, '1e300', 'NaN', null, [], {}, true).map((v) => unknown(v, 'odd startIndex'))), { nil: null }),
  count: fc.option(fc.oneof(fc.integer({ min: 0, max: 200 }).map((n) => valid<unknown>(n)), fc.constantFrom<unknown>(1e300, -1, 'NaN', [], 'x').map((v) => unknown(v, 'odd count'))), { nil: null }),
}).map((r) => {
  const json: Record<string, unknown> = { schemas: r.schemas.v };
  const parts: Tagged<unknown>[] = [r.schemas];
  if (r.filter) { json.filter = r.filter.v; parts.push(r.filter); }
  if (r.attributes) { json.attributes = r.attributes.map((a) => a.v); parts.push(...r.attributes); }
  if (r.startIndex) { json.startIndex = r.startIndex.v; parts.push(r.startIndex); }
  if (r.count) { json.count = r.count.v; parts.push(r.count); }
  return routeCase({ family: 'scim', route: 'POST /scim/v2/Users/.search', method: 'POST', path: '/scim/v2/Users/.search', body: { json }, auth: r.creds.auth }, withAuth(r.creds, parts));
});

/** A real user's id with a key suffix: read as is, it names another key of theirs (WRONGTYPE). */
const suffixedId = (symbol: string) => fc.constantFrom(':sessions', ':x', ':', '*', ' ', '%00').map((suffix) => invalid(`${symbol}${suffix}`, 'a real id with a key suffix'));

const scimUserId = fc.oneof({ weight: 2, arbitrary: fc.constant(valid('⟦scimUser⟧')) }, { weight: 3, arbitrary: foreignId }, { weight: 1, arbitrary: suffixedId('⟦scimUser⟧') });

const scimGetUser = fc.record({ creds: credentials('scim', 'scim'), id: scimUserId, attributes: fc.option(attributeList, { nil: null }) }).map((r) => {
  const { query, parts } = queryOf([['attributes', r.attributes]]);
  return routeCase({ family: 'scim', route: 'GET /scim/v2/Users/:id', method: 'GET', path: '/scim/v2/Users/:id', id: r.id.v, query, auth: r.creds.auth }, withAuth(r.creds, [r.id, ...parts]));
});

const scimPutUser = fc.record({ creds: credentials('scim', 'scim'), id: scimUserId, body: scimUserBody }).map((r) =>
  routeCase({ family: 'scim', route: 'PUT /scim/v2/Users/:id', method: 'PUT', path: '/scim/v2/Users/:id', id: r.id.v, body: r.body.body, auth: r.creds.auth }, withAuth(r.creds, [r.id, r.body.part])));

const patchValue = fc.oneof(
  { weight: 3, arbitrary: personName.map((w) => valid<unknown>(w)) },
  { weight: 1, arbitrary: hostileText as fc.Arbitrary<Tagged<unknown>> },
  { weight: 1, arbitrary: fc.constant(unknown<unknown>(protoKeyed(), 'value with own __proto__')) },
);
const patchOperation = fc.record({
  op: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('replace', 'add', 'Replace').map((o) => valid<unknown>(o)) }, { weight: 1, arbitrary: fc.oneof(anyText.filter((t) => !['add', 'remove', 'replace'].includes(t.toLowerCase())), wrongType).map((o) => invalid(o, 'bad op')) }),
  path: patchPath,
  value: patchValue,
});
const scimPatchUser = fc.record({
  creds: credentials('scim', 'scim'),
  id: scimUserId,
  ops: fc.array(patchOperation, { minLength: 1, maxLength: 3 }),
  raw: fc.option(fc.constantFrom(
    invalid(`{"schemas":["${PATCH_OP}"],"Operations":${deepJson(100_000)}}`, '100,000 nested ['),
    invalid(`{"schemas":["${PATCH_OP}"],"Operations":[{"op":"replace","value":${deepJson(100_000)}}]}`, '100,000 nested [ in value'),
    invalid(`{"schemas":["${PATCH_OP}"],"Operations":[{"op":"replace","path":"a${rep(64_000, '.a')}","value":"x"}]}`, '64,000 dotted segments'),
  ), { freq: 8, nil: null }),
}).map((r) => {
  if (r.raw) return routeCase({ family: 'scim', route: 'PATCH /scim/v2/Users/:id', method: 'PATCH', path: '/scim/v2/Users/:id', id: r.id.v, body: { raw: r.raw.v, type: 'application/scim+json' }, auth: r.creds.auth }, withAuth(r.creds, [r.id, r.raw]));
  const json = { schemas: [PATCH_OP], Operations: r.ops.map((o) => ({ op: o.op.v, path: o.path.v, value: o.value.v })) };
  return routeCase({ family: 'scim', route: 'PATCH /scim/v2/Users/:id', method: 'PATCH', path: '/scim/v2/Users/:id', id: r.id.v, body: { json }, auth: r.creds.auth },
    withAuth(r.creds, [r.id, ...r.ops.flatMap((o) => [o.op, o.path, o.value])]));
});

// DELETE only of ids that name nothing: the fixture's user must outlive the run.
const scimDeleteUser = fc.record({ creds: credentials('scim', 'scim'), id: fc.oneof(foreignId, suffixedId('⟦scimUser⟧')) }).map((r) =>
  routeCase({ family: 'scim', route: 'DELETE /scim/v2/Users/:id', method: 'DELETE', path: '/scim/v2/Users/:id', id: r.id.v, auth: r.creds.auth }, withAuth(r.creds, [r.id])));

const scimCreateUser = fc.record({ creds: credentials('scim', 'scim'), body: scimUserBody }).map((r) =>
  routeCase({ family: 'scim', route: 'POST /scim/v2/Users', method: 'POST', path: '/scim/v2/Users', body: r.body.body, auth: r.creds.auth }, withAuth(r.creds, [r.body.part])));

const scimDiscovery = fc.record({
  creds: credentials('scim', 'scim'),
  target: fc.oneof(
    fc.constantFrom('/ServiceProviderConfig', '/Schemas', '/ResourceTypes', `/Schemas/${CORE}`, `/Schemas/${ENTERPRISE}`, '/ResourceTypes/User').map((p) => ({ path: p, id: undefined, part: valid(p) })),
    foreignId.map((t) => ({ path: '/Schemas/:id', id: t.v, part: t })),
    foreignId.map((t) => ({ path: '/ResourceTypes/:id', id: t.v, part: t })),
  ),
}).map((r) => routeCase({ family: 'scim', route: `GET /scim/v2${r.target.path}`, method: 'GET', path: `/scim/v2${r.target.path}`, id: r.target.id, auth: r.creds.auth }, withAuth(r.creds, [r.target.part])));

export const scimCase: fc.Arbitrary<RouteCase> = fc.oneof(
  { weight: 3, arbitrary: scimUsersList },
  { weight: 3, arbitrary: scimSingleParameter },
  { weight: 3, arbitrary: scimSearch },
  { weight: 2, arbitrary: scimGetUser },
  { weight: 2, arbitrary: scimPutUser },
  { weight: 3, arbitrary: scimPatchUser },
  { weight: 1, arbitrary: scimDeleteUser },
  { weight: 2, arbitrary: scimCreateUser },
  { weight: 1, arbitrary: scimDiscovery },
).filter(fitsUrl);

// --- admin API ------------------------------------------------------------------------------------

const adminList = fc.record({
  creds: credentials('admin', 'admin'),
  q: fc.option(fc.oneof(plainWord.map(valid), protoName.map(valid), hostileQueryText, fc.integer({ min: 321, max: 2000 }).map((n) => invalid(rep(n, 'q'), 'q over 320')), anyText.map((t) => unknown(t, 'arbitrary text'))), { nil: null }),
  status: fc.option(fc.oneof(fc.constantFrom('active', 'inactive').map(valid), fc.oneof(anyText, protoName).filter((s) => s !== 'active' && s !== 'inactive').map((s) => invalid(s, 'no such status'))), { nil: null }),
  role: fc.option(fc.oneof(fc.constantFrom('admin', 'user').map(valid), fc.oneof(anyText, protoName).filter((s) => s !== 'admin' && s !== 'user').map((s) => invalid(s, 'no such role'))), { nil: null }),
  cursor: fc.option(fc.oneof(anyText, protoName, withLoneSurrogate).map((c) => unknown(c, 'a cursor no page gave')), { freq: 4, nil: null }),
  limit: fc.option(queryNumber(1, 200, 'invalid'), { nil: null }),
  extra: fc.option(fc.tuple(fc.oneof(protoName, plainWord.filter((w) => !['q', 'status', 'role', 'cursor', 'limit'].includes(w))), plainWord), { freq: 8, nil: null }),
}).map((r) => {
  const { query, parts } = queryOf([['q', r.q], ['status', r.status], ['role', r.role], ['cursor', r.cursor], ['limit', r.limit]]);
  if (r.extra) { query.push(r.extra); parts.push(invalid(r.extra[0], 'unknown parameter')); }
  return routeCase({ family: 'admin', route: 'GET /api/v1/users', method: 'GET', path: '/api/v1/users', query, auth: r.creds.auth }, withAuth(r.creds, parts));
});

const newAdminUser = () => ({ name: 'Fuzz Person', email: 'person⟦n⟧@corp.test', role: 'user' });
const ADMIN_USER_FIELDS = [
  { key: 'name', required: true, string: true },
  { key: 'email', required: true, string: true },
  { key: 'role', required: true, string: false },
];
const adminBodyOf = (base: () => Record<string, unknown>, fields: typeof ADMIN_USER_FIELDS): fc.Arbitrary<{ body: Body; part: Tagged<unknown> }> => fc.oneof(
  { weight: 2, arbitrary: fc.constant({ body: { json: base() } as Body, part: valid<unknown>(null) }) },
  { weight: 5, arbitrary: mutateOne(base(), fields).map((m) => ({ body: { json: m.body } as Body, part: m.part })) },
  { weight: 1, arbitrary: withProtoKey(base(), 'invalid').map((m) => ({ body: { json: m.body } as Body, part: m.part })) },
  { weight: 1, arbitrary: fc.constantFrom('{', 'null', '[]', deepJson(100_000), `{"name":${deepJson(5000)}}`).map((raw) => ({ body: { raw, type: 'application/json' } as Body, part: invalid<unknown>(raw, 'not the body') })) },
  { weight: 1, arbitrary: fc.constant({ body: { raw: 'name=x&email=y', type: 'text/plain' } as Body, part: invalid<unknown>(null, 'not JSON') }) },
);

const adminCreate = fc.record({ creds: credentials('admin', 'admin'), body: adminBodyOf(newAdminUser, ADMIN_USER_FIELDS) }).map((r) =>
  routeCase({ family: 'admin', route: 'POST /api/v1/users', method: 'POST', path: '/api/v1/users', body: r.body.body, auth: r.creds.auth }, withAuth(r.creds, [r.body.part])));

// The fixture's own target user (never the signed-in admin: revoking their sessions would end the run).
const adminUserId = fc.oneof({ weight: 2, arbitrary: fc.constant(valid('⟦user⟧')) }, { weight: 3, arbitrary: foreignId }, { weight: 1, arbitrary: suffixedId('⟦user⟧') });

const adminGet = fc.record({ creds: credentials('admin', 'admin'), id: adminUserId }).map((r) =>
  routeCase({ family: 'admin', route: 'GET /api/v1/users/:id', method: 'GET', path: '/api/v1/users/:id', id: r.id.v, auth: r.creds.auth }, withAuth(r.creds, [r.id])));

const patchBody: fc.Arbitrary<{ body: Body; part: Tagged<unknown> }> = fc.oneof(
  { weight: 2, arbitrary: fc.oneof(personName.map((n) => ({ name: n })), fc.constant({ role: 'user' }), personName.map((n) => ({ name: n, role: 'user' }))).map((json) => ({ body: { json } as Body, part: valid<unknown>(null) })) },
  { weight: 3, arbitrary: mutateOne({ name: 'Renamed', role: 'user' }, [{ key: 'name', required: false, string: true }, { key: 'role', required: false, string: false }])
    .map((m) => ({ body: { json: m.body } as Body, part: m.part.verdict === 'valid' && Object.keys(m.body).length === 0 ? invalid<unknown>(null, 'empty') : m.part })) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({}, { role: 'superuser' }, { name: 'x', status: 'inactive' }, { role: 'admin ' }).map((json) => ({ body: { json } as Body, part: invalid<unknown>(json, 'not an update') })) },
  { weight: 1, arbitrary: withProtoKey({ name: 'x' }, 'invalid').map((m) => ({ body: { json: m.body } as Body, part: m.part })) },
);

const adminPatch = fc.record({ creds: credentials('admin', 'admin'), id: adminUserId, body: patchBody }).map((r) =>
  routeCase({ family: 'admin', route: 'PATCH /api/v1/users/:id', method: 'PATCH', path: '/api/v1/users/:id', id: r.id.v, body: r.body.body, auth: r.creds.auth },
    withAuth(r.creds, [r.id, r.body.part])));

const adminDelete = fc.record({ creds: credentials('admin', 'admin'), id: fc.oneof(foreignId, suffixedId('⟦user⟧')) }).map((r) =>
  routeCase({ family: 'admin', route: 'DELETE /api/v1/users/:id', method: 'DELETE', path: '/api/v1/users/:id', id: r.id.v, auth: r.creds.auth }, withAuth(r.creds, [r.id])));

const adminAction = fc.record({ creds: credentials('admin', 'admin'), id: adminUserId, action: fc.constantFrom('deactivate', 'activate', 'revoke-sessions') }).map((r) => {
  // Activating an active user (or the reverse) may be a no-op or a 409: either is right.
  const idPart = r.id.verdict === 'valid' && r.action !== 'revoke-sessions' ? unknown(r.id.v, `${r.action} may be a no-op`) : r.id;
  return routeCase({ family: 'admin', route: `POST /api/v1/users/:id/${r.action}`, method: 'POST', path: `/api/v1/users/:id/${r.action}`, id: r.id.v, auth: r.creds.auth }, withAuth(r.creds, [idPart]));
});

const adminJob = fc.record({ creds: credentials('admin', 'admin'), id: jobId }).map((r) =>
  routeCase({ family: 'admin', route: 'GET /api/v1/jobs/:id', method: 'GET', path: '/api/v1/jobs/:id', id: r.id.v, auth: r.creds.auth }, withAuth(r.creds, [r.id])));

const adminTokens = fc.record({
  creds: credentials('admin', 'admin'),
  op: fc.oneof(
    fc.constant({ method: 'GET', path: '/api/v1/scim-tokens', body: undefined as Body | undefined, id: undefined as string | undefined, part: valid<unknown>(null) }),
    fc.oneof(
      plainWord.map((n) => ({ json: { name: n } as unknown, part: valid<unknown>(null) })),
      fc.oneof(wrongType.map((v) => invalid(v, 'name: wrong type')), hostileText, fc.constantFrom('', '   ').map((v) => invalid(v, 'blank name')), fc.integer({ min: 101, max: 500 }).map((n) => invalid(rep(n, 'n'), 'name over 100')))
        .map((t) => ({ json: { name: t.v } as unknown, part: t as Tagged<unknown> })),
      withProtoKey({ name: 'x' }, 'invalid').map((m) => ({ json: m.body as unknown, part: m.part })),
    ).map((b) => ({ method: 'POST', path: '/api/v1/scim-tokens', body: { json: b.json } as Body | undefined, id: undefined as string | undefined, part: b.part })),
    // Revoking a token that does not exist may be a 404 or an idempotent 204.
    foreignId.map((t) => ({ method: 'DELETE', path: '/api/v1/scim-tokens/:id', body: undefined as Body | undefined, id: t.v as string | undefined, part: unknown<unknown>(t.v, 'revoke an unknown token') })),
  ),
}).map((r) => routeCase({ family: 'admin', route: `${r.op.method} ${r.op.path}`, method: r.op.method, path: r.op.path, id: r.op.id, body: r.op.body, auth: r.creds.auth }, withAuth(r.creds, [r.op.part])));

const adminAudit = fc.record({
  creds: credentials('admin', 'admin'),
  cursor: fc.option(fc.oneof(fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => valid(`${a}-${b}`)), fc.oneof(anyText, protoName, withLoneSurrogate).filter((c) => !/^\d+-\d+$/.test(c)).map((c) => invalid(c, 'not a cursor'))), { nil: null }),
  limit: fc.option(queryNumber(1, 200, 'invalid'), { nil: null }),
}).map((r) => {
  const { query, parts } = queryOf([['cursor', r.cursor], ['limit', r.limit]]);
  return routeCase({ family: 'admin', route: 'GET /api/v1/audit', method: 'GET', path: '/api/v1/audit', query, auth: r.creds.auth }, withAuth(r.creds, parts));
});

// Set up already: a valid body is refused as well (409), an invalid one with a 400.
const adminSetup = adminBodyOf(() => ({ name: 'Second Root', email: 'root⟦n⟧@corp.test', password: 'correct horse battery staple' }), [
  { key: 'name', required: true, string: true }, { key: 'email', required: true, string: true }, { key: 'password', required: true, string: true },
]).map((b) => routeCase({ family: 'admin', route: 'POST /api/v1/setup', method: 'POST', path: '/api/v1/setup', body: b.body, auth: 'none' }, [b.part, invalid(null, 'already set up')]));

export const adminCase: fc.Arbitrary<RouteCase> = fc.oneof(
  { weight: 4, arbitrary: adminList },
  { weight: 3, arbitrary: adminCreate },
  { weight: 2, arbitrary: adminGet },
  { weight: 3, arbitrary: adminPatch },
  { weight: 1, arbitrary: adminDelete },
  { weight: 2, arbitrary: adminAction },
  { weight: 2, arbitrary: adminJob },
  { weight: 1, arbitrary: adminTokens },
  { weight: 1, arbitrary: adminAudit },
  { weight: 1, arbitrary: adminSetup },
).filter(fitsUrl);

// --- auth ----------------------------------------------------------------------------------------

const someEmail = fc.oneof(
  { weight: 3, arbitrary: plainWord.map((w) => valid(`${w}@corp.test`)) },
  { weight: 1, arbitrary: fc.constant(valid('⟦userEmail⟧')) },
  { weight: 1, arbitrary: protoName.map((p) => valid(`${p}@corp.test`)) },
);
const loginBody = fc.record({
  email: fc.oneof({ weight: 3, arbitrary: someEmail as fc.Arbitrary<Tagged<unknown>> }, { weight: 1, arbitrary: hostileText as fc.Arbitrary<Tagged<unknown>> }, { weight: 1, arbitrary: wrongType.map((v) => invalid(v, 'email: wrong type')) }),
  password: fc.oneof({ weight: 3, arbitrary: plainWord.map((w) => valid<unknown>(`wrong-${w}`)) }, { weight: 1, arbitrary: hostileText as fc.Arbitrary<Tagged<unknown>> }, { weight: 1, arbitrary: wrongType.map((v) => invalid(v, 'password: wrong type')) }),
  extra: fc.option(protoName, { freq: 6, nil: null }),
});

const authLogin = fc.oneof(
  { weight: 5, arbitrary: loginBody.map((b) => {
    const extra = b.extra === null ? {} : b.extra === '__proto__' ? protoKeyed({ role: 'admin' }) : { [b.extra]: { role: 'admin' } };
    const json: Record<string, unknown> = { email: b.email.v, password: b.password.v, ...extra };
    // No generated password is anyone's: every login is refused (401, 400 or 429).
    return routeCase({ family: 'auth', route: 'POST /auth/login', method: 'POST', path: '/auth/login', body: { json }, auth: 'none' }, [b.email, b.password, invalid(null, 'wrong password')]);
  }) },
  { weight: 1, arbitrary: fc.constantFrom('{', 'null', '[]', deepJson(100_000), `{"email":${deepJson(5000)}}`, `{"email":"a\\ud800@corp.test","password":"x"}`, `{"email":"${rep(20_000, 'e')}","password":"x"}`)
    .map((raw) => routeCase({ family: 'auth', route: 'POST /auth/login', method: 'POST', path: '/auth/login', body: { raw, type: 'application/json' }, auth: 'none' }, [invalid(raw, 'not a login')])) },
);

const authPassword = fc.record({
  creds: credentials('auth', 'user'),
  current: fc.option(fc.oneof(plainWord.map((w) => `not-it-${w}`), withLoneSurrogate, fc.constant(rep(5000, 'p'))), { freq: 5, nil: null }),
  next: fc.oneof(fc.constant('a much longer new passphrase ⟦n⟧'), plainWord, withLoneSurrogate, fc.constant(rep(5000, 'p')), wrongType as fc.Arbitrary<unknown>),
  confirm: fc.option(fc.oneof(plainWord, wrongType as fc.Arbitrary<unknown>), { freq: 4, nil: null }),
}).map((r) => {
  const json: Record<string, unknown> = { newPassword: r.next };
  if (r.current !== null) json.currentPassword = r.current;
  if (r.confirm !== null) json.confirmPassword = r.confirm;
  // The current password is never the right one: every change is refused.
  return routeCase({ family: 'auth', route: 'POST /auth/password', method: 'POST', path: '/auth/password', body: { json }, auth: r.creds.auth }, withAuth(r.creds, [invalid(null, 'wrong or missing current password')]));
});

const authSession = credentials('auth', 'user').map((c) =>
  routeCase({ family: 'auth', route: 'GET /auth/session', method: 'GET', path: '/auth/session', auth: c.auth }, withAuth(c, [])));

// Only wrong credentials: a right one would end the session the other cases use. A cookie
// without Origin is the CSRF case, refused whatever the cookie.
const authLogout = fc.oneof(
  wrongCredentials('auth').map((c) => routeCase({ family: 'auth', route: 'POST /auth/logout', method: 'POST', path: '/auth/logout', auth: c.auth }, [c.part])),
  fc.constantFrom<Auth>({ cookie: 'rune_session=⟦userToken⟧' }, { cookie: 'rune_session=⟦userToken⟧', origin: 'https://evil.test' }, { cookie: 'rune_session=⟦userToken⟧', origin: 'null' })
    .map((auth) => routeCase({ family: 'auth', route: 'POST /auth/logout', method: 'POST', path: '/auth/logout', auth }, [invalid(null, 'cookie without our Origin (CSRF)')])),
);

export const authCase: fc.Arbitrary<RouteCase> = fc.oneof(
  { weight: 4, arbitrary: authLogin },
  { weight: 2, arbitrary: authPassword },
  { weight: 1, arbitrary: authSession },
  { weight: 1, arbitrary: authLogout },
);

// --- SAML ACS -------------------------------------------------------------------------------------

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const RESPONSE_HEAD = '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z">';

/** SAMLResponse values no IdP signed. */
const forgedResponse: fc.Arbitrary<Tagged> = fc.oneof(
  visibleAscii.map((v) => invalid(v, 'not base64 of a response')),
  anyText.map((v) => invalid(v, 'arbitrary text')),
  fc.constant(invalid(rep(70_000, 'A'), 'over the body limit')),
  fc.constant(invalid(b64(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "${'a'.repeat(50)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>${RESPONSE_HEAD}&c;</samlp:Response>`), 'DOCTYPE with entities')),
  fc.constant(invalid(b64(`<?xml version="1.0"?><!DOCTYPE r SYSTEM "file:///etc/passwd">${RESPONSE_HEAD}</samlp:Response>`), 'external DOCTYPE')),
  fc.integer({ min: 1000, max: 10_000 }).map((n) => invalid(b64(`${RESPONSE_HEAD}${'<a>'.repeat(n)}${'</a>'.repeat(n)}</samlp:Response>`), 'deep XML')),
  fc.constant(invalid(b64(`${RESPONSE_HEAD}<saml:Assertion ID="__proto__"><saml:Subject><saml:NameID>constructor</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>`), 'unsigned, prototype names')),
  fc.constant(invalid(b64('<samlp:Response'), 'truncated XML')),
  withLoneSurrogate.map((v) => invalid(v, 'lone surrogate')),
);

/** Signed responses made at start-up (target.ts); the first use of each may sign in, the next is a replay. */
export const SIGNED_RESPONSES = 6;
const signedResponse = fc.integer({ min: 0, max: SIGNED_RESPONSES - 1 }).map((i) =>
  i === SIGNED_RESPONSES - 1 ? invalid(`⟦signed ${i}⟧`, 'new NameID with the admin\'s email') : unknown(`⟦signed ${i}⟧`, 'signed: first use signs in, then replay'));

const relayState = fc.option(fc.oneof(
  fc.constantFrom('/', '/dashboard', '//evil.test', 'https://evil.test/', 'javascript:alert(1)', '/\\evil.test', '__proto__', rep(5000, '/a')),
  anyText, withLoneSurrogate,
), { nil: null });

export const samlCase: fc.Arbitrary<RouteCase> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ response: forgedResponse, relay: relayState }) },
  { weight: 1, arbitrary: fc.record({ response: signedResponse, relay: relayState }) },
).chain((r) => fc.oneof(
  { weight: 6, arbitrary: fc.constant(r) },
  // Form-level tricks: too many fields, a repeated field, no SAMLResponse at all.
  { weight: 1, arbitrary: fc.constant({ ...r, extra: Array.from({ length: 12 }, (_, i) => [`f${i}`, 'x'] as [string, string]), why: 'too many fields' }) },
  { weight: 1, arbitrary: fc.constant({ ...r, extra: [['SAMLResponse', 'again']] as [string, string][], why: 'SAMLResponse twice' }) },
  { weight: 1, arbitrary: fc.constant({ response: invalid('', 'empty SAMLResponse'), relay: r.relay }) },
)).map((r) => {
  const form: [string, string][] = [['SAMLResponse', r.response.v]];
  if (r.relay !== null) form.push(['RelayState', r.relay]);
  const extra = 'extra' in r ? r.extra : [];
  form.push(...extra);
  const parts: Tagged<unknown>[] = [r.response];
  if ('why' in r) parts.push(invalid(null, r.why));
  return routeCase({ family: 'saml', route: 'POST /saml/acs', method: 'POST', path: '/saml/acs', body: { form }, auth: 'none' }, parts);
});

export const CASES: Record<Family, fc.Arbitrary<RouteCase>> = { scim: scimCase, admin: adminCase, auth: authCase, saml: samlCase };

export { PROTO_NAMES, protoPath };
