import fc from 'fast-check';
import {
  CORE,
  ENTERPRISE,
  anyText,
  attributeList,
  attributeName,
  bodyFilterValue,
  deepJson,
  filterValue,
  foreignId,
  hostileText,
  invalid,
  personName,
  knownAttribute,
  patchPath,
  protoKeyed,
  queryNumber,
  rep,
  unknown,
  valid,
  verdictOf,
  wrongType,
  type Tagged,
} from './arbitraries.js';
import {
  type Body,
  type RouteCase,
  routeCase,
  queryOf,
  withAuth,
  fitsUrl,
  credentials,
  mutateOne,
  withProtoKey,
  suffixedId,
} from './case-kit.js';
import { groupCase } from './group-cases.js';

// Generated requests to every /scim/v2 route (see case-kit.ts for what a case is).

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
  {
    weight: 4,
    arbitrary: mutateOne(oktaUser(), SCIM_USER_FIELDS).map((m) => ({ body: { json: m.body } as Body, part: m.part })),
  },
  {
    weight: 3,
    arbitrary: mutateOne(entraUser(), ENTRA_USER_FIELDS).map((m) => ({ body: { json: m.body } as Body, part: m.part })),
  },
  {
    weight: 1,
    arbitrary: withProtoKey(oktaUser(), 'unknown').map((m) => ({ body: { json: m.body } as Body, part: m.part })),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.constant(
          invalid(`{"schemas":["${CORE}"],"userName":"deep⟦n⟧","emails":${deepJson(100_000)}}`, '100,000 nested ['),
        ),
        fc.constant(
          invalid(
            `{"schemas":["${CORE}"],"userName":"deep⟦n⟧","name":${deepJson(20_000, '{"a":', '}').replace('"}"', '1')}}`,
            'deep objects',
          ),
        ),
        fc
          .constantFrom('{', 'null', '[]', '"x"', '{"schemas":', `{"schemas":["${CORE}"],"userName":"a\\ud800"}`)
          .map((raw) => invalid(raw, 'not a User')),
      )
      .map((t) => ({ body: { raw: t.v, type: 'application/scim+json' } as Body, part: t as Tagged<unknown> })),
  },
);

const scimUsersList = fc
  .record({
    creds: credentials('scim', 'scim'),
    filter: fc.option(filterValue, { nil: null }),
    attributes: fc.option(attributeList, { nil: null }),
    excluded: fc.option(attributeList, { nil: null }),
    sortBy: fc.option(
      fc.oneof(
        fc.constant(valid('userName')),
        attributeName.filter((a) => a.verdict !== 'valid'),
        knownAttribute.map((a) => unknown(a, 'sort by any attribute')),
      ),
      { nil: null },
    ),
    sortOrder: fc.option(
      fc.oneof(
        fc.constantFrom('ascending', 'descending').map(valid),
        anyText.map((t) => unknown(t, 'odd sortOrder')),
      ),
      { nil: null },
    ),
    startIndex: fc.option(queryNumber(1, 100_000, 'unknown'), { nil: null }),
    count: fc.option(queryNumber(0, 200, 'unknown'), { nil: null }),
  })
  .map((r) => {
    const { query, parts } = queryOf([
      ['filter', r.filter],
      ['attributes', r.attributes],
      ['excludedAttributes', r.excluded],
      ['sortBy', r.sortBy],
      ['sortOrder', r.sortOrder],
      ['startIndex', r.startIndex],
      ['count', r.count],
    ]);
    if (r.attributes && r.excluded && verdictOf(parts) === 'valid')
      parts.push(unknown('', 'attributes and excludedAttributes together'));
    return routeCase(
      { family: 'scim', route: 'GET /scim/v2/Users', method: 'GET', path: '/scim/v2/Users', query, auth: r.creds.auth },
      withAuth(r.creds, parts),
    );
  });

// One parameter alone, so that what it alone does is seen (and shrunk to).
const scimSingleParameter = fc
  .oneof(
    fc.tuple(fc.constant('filter'), filterValue),
    fc.tuple(fc.constantFrom('attributes', 'excludedAttributes'), attributeList),
    fc.tuple(
      fc.constant('sortBy'),
      attributeName.filter((a) => a.verdict !== 'valid'),
    ),
    fc.tuple(fc.constant('startIndex'), queryNumber(1, 100_000, 'unknown')),
    fc.tuple(fc.constant('count'), queryNumber(0, 200, 'unknown')),
  )
  .map(([name, value]) =>
    routeCase(
      {
        family: 'scim',
        route: 'GET /scim/v2/Users',
        method: 'GET',
        path: '/scim/v2/Users',
        query: [[name, value.v]],
        auth: 'scim',
      },
      [value],
    ),
  );

const scimSearch = fc
  .record({
    creds: credentials('scim', 'scim'),
    schemas: fc.oneof(
      { weight: 5, arbitrary: fc.constant(valid<unknown>([SEARCH_REQUEST])) },
      { weight: 1, arbitrary: wrongType.map((v) => invalid(v, 'schemas wrong')) },
    ),
    filter: fc.option(bodyFilterValue, { nil: null }),
    attributes: fc.option(fc.array(attributeName, { minLength: 1, maxLength: 3 }), { nil: null }),
    startIndex: fc.option(
      fc.oneof(
        fc.integer({ min: 1, max: 1000 }).map((n) => valid<unknown>(n)),
        fc
          .constantFrom<unknown>(1e300, -1, 0, '1e300', 'NaN', null, [], {}, true)
          .map((v) => unknown(v, 'odd startIndex')),
      ),
      { nil: null },
    ),
    count: fc.option(
      fc.oneof(
        fc.integer({ min: 0, max: 200 }).map((n) => valid<unknown>(n)),
        fc.constantFrom<unknown>(1e300, -1, 'NaN', [], 'x').map((v) => unknown(v, 'odd count')),
      ),
      { nil: null },
    ),
  })
  .map((r) => {
    const json: Record<string, unknown> = { schemas: r.schemas.v };
    const parts: Tagged<unknown>[] = [r.schemas];
    if (r.filter) {
      json.filter = r.filter.v;
      parts.push(r.filter);
    }
    if (r.attributes) {
      json.attributes = r.attributes.map((a) => a.v);
      parts.push(...r.attributes);
    }
    if (r.startIndex) {
      json.startIndex = r.startIndex.v;
      parts.push(r.startIndex);
    }
    if (r.count) {
      json.count = r.count.v;
      parts.push(r.count);
    }
    return routeCase(
      {
        family: 'scim',
        route: 'POST /scim/v2/Users/.search',
        method: 'POST',
        path: '/scim/v2/Users/.search',
        body: { json },
        auth: r.creds.auth,
      },
      withAuth(r.creds, parts),
    );
  });

const scimUserId = fc.oneof(
  { weight: 2, arbitrary: fc.constant(valid('⟦scimUser⟧')) },
  { weight: 3, arbitrary: foreignId },
  { weight: 1, arbitrary: suffixedId('⟦scimUser⟧') },
);

const scimGetUser = fc
  .record({ creds: credentials('scim', 'scim'), id: scimUserId, attributes: fc.option(attributeList, { nil: null }) })
  .map((r) => {
    const { query, parts } = queryOf([['attributes', r.attributes]]);
    return routeCase(
      {
        family: 'scim',
        route: 'GET /scim/v2/Users/:id',
        method: 'GET',
        path: '/scim/v2/Users/:id',
        id: r.id.v,
        query,
        auth: r.creds.auth,
      },
      withAuth(r.creds, [r.id, ...parts]),
    );
  });

const scimPutUser = fc.record({ creds: credentials('scim', 'scim'), id: scimUserId, body: scimUserBody }).map((r) =>
  routeCase(
    {
      family: 'scim',
      route: 'PUT /scim/v2/Users/:id',
      method: 'PUT',
      path: '/scim/v2/Users/:id',
      id: r.id.v,
      body: r.body.body,
      auth: r.creds.auth,
    },
    withAuth(r.creds, [r.id, r.body.part]),
  ),
);

const patchValue = fc.oneof(
  { weight: 3, arbitrary: personName.map((w) => valid<unknown>(w)) },
  { weight: 1, arbitrary: hostileText as fc.Arbitrary<Tagged<unknown>> },
  { weight: 1, arbitrary: fc.constant(unknown<unknown>(protoKeyed(), 'value with own __proto__')) },
);
const patchOperation = fc.record({
  op: fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom('replace', 'add', 'Replace').map((o) => valid<unknown>(o)) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          anyText.filter((t) => !['add', 'remove', 'replace'].includes(t.toLowerCase())),
          wrongType,
        )
        .map((o) => invalid(o, 'bad op')),
    },
  ),
  path: patchPath,
  value: patchValue,
});
const scimPatchUser = fc
  .record({
    creds: credentials('scim', 'scim'),
    id: scimUserId,
    ops: fc.array(patchOperation, { minLength: 1, maxLength: 3 }),
    raw: fc.option(
      fc.constantFrom(
        invalid(`{"schemas":["${PATCH_OP}"],"Operations":${deepJson(100_000)}}`, '100,000 nested ['),
        invalid(
          `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"replace","value":${deepJson(100_000)}}]}`,
          '100,000 nested [ in value',
        ),
        invalid(
          `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"replace","path":"a${rep(64_000, '.a')}","value":"x"}]}`,
          '64,000 dotted segments',
        ),
      ),
      { freq: 8, nil: null },
    ),
  })
  .map((r) => {
    if (r.raw)
      return routeCase(
        {
          family: 'scim',
          route: 'PATCH /scim/v2/Users/:id',
          method: 'PATCH',
          path: '/scim/v2/Users/:id',
          id: r.id.v,
          body: { raw: r.raw.v, type: 'application/scim+json' },
          auth: r.creds.auth,
        },
        withAuth(r.creds, [r.id, r.raw]),
      );
    const json = {
      schemas: [PATCH_OP],
      Operations: r.ops.map((o) => ({ op: o.op.v, path: o.path.v, value: o.value.v })),
    };
    return routeCase(
      {
        family: 'scim',
        route: 'PATCH /scim/v2/Users/:id',
        method: 'PATCH',
        path: '/scim/v2/Users/:id',
        id: r.id.v,
        body: { json },
        auth: r.creds.auth,
      },
      withAuth(r.creds, [
        r.id,
        ...r.ops.flatMap((o, i) => [
          o.op,
          o.path,
          overwritten(r.ops, i) ? unknown(o.value.v, 'too long, but a later operation replaces it') : o.value,
        ]),
      ]),
    );
  });

// Size limits hold for what is stored: a value that a later operation on the same path replaces
// never is. (A lone surrogate is refused wherever it is: hostileText marks it apart.)
function overwritten(ops: { path: Tagged; value: Tagged<unknown> }[], i: number): boolean {
  const { path, value } = ops[i]!;
  return (
    value.verdict === 'invalid' &&
    /huge|KiB/.test(value.why ?? '') &&
    ops.slice(i + 1).some((later) => later.path.v === path.v && later.path.verdict === 'valid')
  );
}

// DELETE only of ids that name nothing: the fixture's user must outlive the run.
const scimDeleteUser = fc
  .record({ creds: credentials('scim', 'scim'), id: fc.oneof(foreignId, suffixedId('⟦scimUser⟧')) })
  .map((r) =>
    routeCase(
      {
        family: 'scim',
        route: 'DELETE /scim/v2/Users/:id',
        method: 'DELETE',
        path: '/scim/v2/Users/:id',
        id: r.id.v,
        auth: r.creds.auth,
      },
      withAuth(r.creds, [r.id]),
    ),
  );

const scimCreateUser = fc.record({ creds: credentials('scim', 'scim'), body: scimUserBody }).map((r) =>
  routeCase(
    {
      family: 'scim',
      route: 'POST /scim/v2/Users',
      method: 'POST',
      path: '/scim/v2/Users',
      body: r.body.body,
      auth: r.creds.auth,
    },
    withAuth(r.creds, [r.body.part]),
  ),
);

const scimDiscovery = fc
  .record({
    creds: credentials('scim', 'scim'),
    target: fc.oneof(
      fc
        .constantFrom(
          '/ServiceProviderConfig',
          '/Schemas',
          '/ResourceTypes',
          `/Schemas/${CORE}`,
          `/Schemas/${ENTERPRISE}`,
          '/ResourceTypes/User',
        )
        .map((p) => ({ path: p, id: undefined, part: valid(p) })),
      foreignId.map((t) => ({ path: '/Schemas/:id', id: t.v, part: t })),
      foreignId.map((t) => ({ path: '/ResourceTypes/:id', id: t.v, part: t })),
    ),
  })
  .map((r) =>
    routeCase(
      {
        family: 'scim',
        route: `GET /scim/v2${r.target.path}`,
        method: 'GET',
        path: `/scim/v2${r.target.path}`,
        id: r.target.id,
        auth: r.creds.auth,
      },
      withAuth(r.creds, [r.target.part]),
    ),
  );

export const scimCase: fc.Arbitrary<RouteCase> = fc
  .oneof(
    { weight: 3, arbitrary: scimUsersList },
    { weight: 3, arbitrary: scimSingleParameter },
    { weight: 3, arbitrary: scimSearch },
    { weight: 2, arbitrary: scimGetUser },
    { weight: 2, arbitrary: scimPutUser },
    { weight: 3, arbitrary: scimPatchUser },
    { weight: 1, arbitrary: scimDeleteUser },
    { weight: 2, arbitrary: scimCreateUser },
    { weight: 1, arbitrary: scimDiscovery },
    { weight: 3, arbitrary: groupCase },
  )
  .filter(fitsUrl);
