import fc from 'fast-check';
import {
  anyText,
  deepJson,
  foreignId,
  hostileQueryText,
  hostileText,
  invalid,
  jobId,
  personName,
  plainWord,
  protoName,
  queryNumber,
  rep,
  unknown,
  valid,
  withLoneSurrogate,
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

// Generated requests to every /api/v1 route (see case-kit.ts for what a case is).

const adminList = fc
  .record({
    creds: credentials('admin', 'admin'),
    q: fc.option(
      fc.oneof(
        plainWord.map(valid),
        protoName.map(valid),
        hostileQueryText,
        fc.integer({ min: 321, max: 2000 }).map((n) => invalid(rep(n, 'q'), 'q over 320')),
        anyText.map((t) => unknown(t, 'arbitrary text')),
      ),
      { nil: null },
    ),
    status: fc.option(
      fc.oneof(
        fc.constantFrom('active', 'inactive').map(valid),
        fc
          .oneof(anyText, protoName)
          .filter((s) => s !== 'active' && s !== 'inactive')
          .map((s) => invalid(s, 'no such status')),
      ),
      { nil: null },
    ),
    role: fc.option(
      fc.oneof(
        fc.constantFrom('admin', 'user').map(valid),
        fc
          .oneof(anyText, protoName)
          .filter((s) => s !== 'admin' && s !== 'user')
          .map((s) => invalid(s, 'no such role')),
      ),
      { nil: null },
    ),
    cursor: fc.option(
      fc.oneof(anyText, protoName, withLoneSurrogate).map((c) => unknown(c, 'a cursor no page gave')),
      { freq: 4, nil: null },
    ),
    limit: fc.option(queryNumber(1, 200, 'invalid'), { nil: null }),
    extra: fc.option(
      fc.tuple(
        fc.oneof(
          protoName,
          plainWord.filter((w) => !['q', 'status', 'role', 'cursor', 'limit'].includes(w)),
        ),
        plainWord,
      ),
      { freq: 8, nil: null },
    ),
  })
  .map((r) => {
    const { query, parts } = queryOf([
      ['q', r.q],
      ['status', r.status],
      ['role', r.role],
      ['cursor', r.cursor],
      ['limit', r.limit],
    ]);
    if (r.extra) {
      query.push(r.extra);
      parts.push(invalid(r.extra[0], 'unknown parameter'));
    }
    return routeCase(
      { family: 'admin', route: 'GET /api/v1/users', method: 'GET', path: '/api/v1/users', query, auth: r.creds.auth },
      withAuth(r.creds, parts),
    );
  });

const newAdminUser = () => ({ name: 'Fuzz Person', email: 'person⟦n⟧@corp.test', role: 'user' });
const ADMIN_USER_FIELDS = [
  { key: 'name', required: true, string: true },
  { key: 'email', required: true, string: true },
  { key: 'role', required: true, string: false },
];
const adminBodyOf = (
  base: () => Record<string, unknown>,
  fields: typeof ADMIN_USER_FIELDS,
): fc.Arbitrary<{ body: Body; part: Tagged<unknown> }> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant({ body: { json: base() } as Body, part: valid<unknown>(null) }) },
    { weight: 5, arbitrary: mutateOne(base(), fields).map((m) => ({ body: { json: m.body } as Body, part: m.part })) },
    {
      weight: 1,
      arbitrary: withProtoKey(base(), 'invalid').map((m) => ({ body: { json: m.body } as Body, part: m.part })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('{', 'null', '[]', deepJson(100_000), `{"name":${deepJson(5000)}}`).map((raw) => ({
        body: { raw, type: 'application/json' } as Body,
        part: invalid<unknown>(raw, 'not the body'),
      })),
    },
    {
      weight: 1,
      arbitrary: fc.constant({
        body: { raw: 'name=x&email=y', type: 'text/plain' } as Body,
        part: invalid<unknown>(null, 'not JSON'),
      }),
    },
  );

const adminCreate = fc
  .record({ creds: credentials('admin', 'admin'), body: adminBodyOf(newAdminUser, ADMIN_USER_FIELDS) })
  .map((r) =>
    routeCase(
      {
        family: 'admin',
        route: 'POST /api/v1/users',
        method: 'POST',
        path: '/api/v1/users',
        body: r.body.body,
        auth: r.creds.auth,
      },
      withAuth(r.creds, [r.body.part]),
    ),
  );

// The fixture's own target user (never the signed-in admin: revoking their sessions would end the run).
const adminUserId = fc.oneof(
  { weight: 2, arbitrary: fc.constant(valid('⟦user⟧')) },
  { weight: 3, arbitrary: foreignId },
  { weight: 1, arbitrary: suffixedId('⟦user⟧') },
);

const adminGet = fc.record({ creds: credentials('admin', 'admin'), id: adminUserId }).map((r) =>
  routeCase(
    {
      family: 'admin',
      route: 'GET /api/v1/users/:id',
      method: 'GET',
      path: '/api/v1/users/:id',
      id: r.id.v,
      auth: r.creds.auth,
    },
    withAuth(r.creds, [r.id]),
  ),
);

const patchBody: fc.Arbitrary<{ body: Body; part: Tagged<unknown> }> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        personName.map((n) => ({ name: n })),
        fc.constant({ role: 'user' }),
        personName.map((n) => ({ name: n, role: 'user' })),
      )
      .map((json) => ({ body: { json } as Body, part: valid<unknown>(null) })),
  },
  {
    weight: 3,
    arbitrary: mutateOne({ name: 'Renamed', role: 'user' }, [
      { key: 'name', required: false, string: true },
      { key: 'role', required: false, string: false },
    ]).map((m) => ({
      body: { json: m.body } as Body,
      part: m.part.verdict === 'valid' && Object.keys(m.body).length === 0 ? invalid<unknown>(null, 'empty') : m.part,
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<unknown>({}, { role: 'superuser' }, { name: 'x', status: 'inactive' }, { role: 'admin ' })
      .map((json) => ({ body: { json } as Body, part: invalid<unknown>(json, 'not an update') })),
  },
  {
    weight: 1,
    arbitrary: withProtoKey({ name: 'x' }, 'invalid').map((m) => ({ body: { json: m.body } as Body, part: m.part })),
  },
);

const adminPatch = fc.record({ creds: credentials('admin', 'admin'), id: adminUserId, body: patchBody }).map((r) =>
  routeCase(
    {
      family: 'admin',
      route: 'PATCH /api/v1/users/:id',
      method: 'PATCH',
      path: '/api/v1/users/:id',
      id: r.id.v,
      body: r.body.body,
      auth: r.creds.auth,
    },
    withAuth(r.creds, [r.id, r.body.part]),
  ),
);

const adminDelete = fc
  .record({ creds: credentials('admin', 'admin'), id: fc.oneof(foreignId, suffixedId('⟦user⟧')) })
  .map((r) =>
    routeCase(
      {
        family: 'admin',
        route: 'DELETE /api/v1/users/:id',
        method: 'DELETE',
        path: '/api/v1/users/:id',
        id: r.id.v,
        auth: r.creds.auth,
      },
      withAuth(r.creds, [r.id]),
    ),
  );

const adminAction = fc
  .record({
    creds: credentials('admin', 'admin'),
    id: adminUserId,
    action: fc.constantFrom('deactivate', 'activate', 'revoke-sessions'),
  })
  .map((r) => {
    // Activating an active user (or the reverse) may be a no-op or a 409: either is right.
    const idPart =
      r.id.verdict === 'valid' && r.action !== 'revoke-sessions' ? unknown(r.id.v, `${r.action} may be a no-op`) : r.id;
    return routeCase(
      {
        family: 'admin',
        route: `POST /api/v1/users/:id/${r.action}`,
        method: 'POST',
        path: `/api/v1/users/:id/${r.action}`,
        id: r.id.v,
        auth: r.creds.auth,
      },
      withAuth(r.creds, [idPart]),
    );
  });

const adminJob = fc.record({ creds: credentials('admin', 'admin'), id: jobId }).map((r) =>
  routeCase(
    {
      family: 'admin',
      route: 'GET /api/v1/jobs/:id',
      method: 'GET',
      path: '/api/v1/jobs/:id',
      id: r.id.v,
      auth: r.creds.auth,
    },
    withAuth(r.creds, [r.id]),
  ),
);

const adminTokens = fc
  .record({
    creds: credentials('admin', 'admin'),
    op: fc.oneof(
      fc.constant({
        method: 'GET',
        path: '/api/v1/scim-tokens',
        body: undefined as Body | undefined,
        id: undefined as string | undefined,
        part: valid<unknown>(null),
      }),
      fc
        .oneof(
          plainWord.map((n) => ({ json: { name: n } as unknown, part: valid<unknown>(null) })),
          fc
            .oneof(
              wrongType.map((v) => invalid(v, 'name: wrong type')),
              hostileText,
              fc.constantFrom('', '   ').map((v) => invalid(v, 'blank name')),
              fc.integer({ min: 101, max: 500 }).map((n) => invalid(rep(n, 'n'), 'name over 100')),
            )
            .map((t) => ({ json: { name: t.v } as unknown, part: t as Tagged<unknown> })),
          withProtoKey({ name: 'x' }, 'invalid').map((m) => ({ json: m.body as unknown, part: m.part })),
        )
        .map((b) => ({
          method: 'POST',
          path: '/api/v1/scim-tokens',
          body: { json: b.json } as Body | undefined,
          id: undefined as string | undefined,
          part: b.part,
        })),
      // Revoking a token that does not exist may be a 404 or an idempotent 204.
      foreignId.map((t) => ({
        method: 'DELETE',
        path: '/api/v1/scim-tokens/:id',
        body: undefined as Body | undefined,
        id: t.v as string | undefined,
        part: unknown<unknown>(t.v, 'revoke an unknown token'),
      })),
    ),
  })
  .map((r) =>
    routeCase(
      {
        family: 'admin',
        route: `${r.op.method} ${r.op.path}`,
        method: r.op.method,
        path: r.op.path,
        id: r.op.id,
        body: r.op.body,
        auth: r.creds.auth,
      },
      withAuth(r.creds, [r.op.part]),
    ),
  );

const adminAudit = fc
  .record({
    creds: credentials('admin', 'admin'),
    cursor: fc.option(
      fc.oneof(
        fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => valid(`${a}-${b}`)),
        fc
          .oneof(anyText, protoName, withLoneSurrogate)
          .filter((c) => !/^\d+-\d+$/.test(c))
          .map((c) => invalid(c, 'not a cursor')),
      ),
      { nil: null },
    ),
    limit: fc.option(queryNumber(1, 200, 'invalid'), { nil: null }),
  })
  .map((r) => {
    const { query, parts } = queryOf([
      ['cursor', r.cursor],
      ['limit', r.limit],
    ]);
    return routeCase(
      { family: 'admin', route: 'GET /api/v1/audit', method: 'GET', path: '/api/v1/audit', query, auth: r.creds.auth },
      withAuth(r.creds, parts),
    );
  });

// Set up already: a valid body is refused as well (409), an invalid one with a 400.
const adminSetup = adminBodyOf(
  () => ({ name: 'Second Root', email: 'root⟦n⟧@corp.test', password: 'correct horse battery staple' }),
  [
    { key: 'name', required: true, string: true },
    { key: 'email', required: true, string: true },
    { key: 'password', required: true, string: true },
  ],
).map((b) =>
  routeCase(
    { family: 'admin', route: 'POST /api/v1/setup', method: 'POST', path: '/api/v1/setup', body: b.body, auth: 'none' },
    [b.part, invalid(null, 'already set up')],
  ),
);

export const adminCase: fc.Arbitrary<RouteCase> = fc
  .oneof(
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
  )
  .filter(fitsUrl);
