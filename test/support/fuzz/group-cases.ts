import fc from 'fast-check';
import {
  anyText,
  attributeList,
  filterValue,
  foreignId,
  hostileText,
  personName,
  unknown,
  valid,
  type Tagged,
} from './arbitraries.js';
import { type RouteCase, routeCase, queryOf, withAuth, credentials, suffixedId } from './case-kit.js';

// Generated requests to /scim/v2/Groups (src/scim/groups.routes.ts): lists with any filter and
// projection, Group bodies with hostile names and members, PATCH operations of every shape IdPs
// send and many they do not, on ids that name no group (the fixture's user is never deleted).

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const name: fc.Arbitrary<Tagged<unknown>> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(valid<unknown>('fuzz group ⟦n⟧')) },
  { weight: 2, arbitrary: personName.map((w) => unknown<unknown>(`${w} ⟦n⟧`, 'a name')) },
  { weight: 2, arbitrary: hostileText.map((t) => unknown<unknown>(t.v, 'hostile displayName')) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 1, [], {}, '', true).map((v) => unknown(v, 'not text')) },
);
const member: fc.Arbitrary<Tagged<unknown>> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(valid<unknown>({ value: '⟦scimUser⟧', display: 'x' })) },
  { weight: 2, arbitrary: foreignId.map((t) => unknown<unknown>({ value: t.v }, 'no such user')) },
  { weight: 1, arbitrary: anyText.map((t) => unknown<unknown>({ value: t, type: t }, 'odd member')) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 'x', 1, [], { __proto__: 1 }).map((v) => unknown(v, 'odd')) },
);
const members = fc.array(member, { maxLength: 4 });

const groupId = fc.oneof(foreignId, suffixedId('⟦scimUser⟧'));

const list = fc
  .record({
    creds: credentials('scim', 'scim'),
    filter: fc.option(
      fc.oneof(
        filterValue,
        fc
          .constantFrom(
            'displayName eq "x"',
            'externalId eq "x"',
            'members[value eq "⟦scimUser⟧"]',
            'id eq "⟦scimUser⟧" and members[value eq "⟦scimUser⟧"]',
            'members pr',
            'members[display co "a"]',
            'displayName sw "fuzz"',
          )
          .map(valid),
      ),
      { nil: null },
    ),
    attributes: fc.option(attributeList, { nil: null }),
    excluded: fc.option(fc.oneof(attributeList, fc.constant(valid('members'))), { nil: null }),
    sortBy: fc.option(fc.constantFrom('displayName', 'meta.created', 'externalId', 'members').map(valid), {
      nil: null,
    }),
  })
  .map((r) => {
    const { query, parts } = queryOf([
      ['filter', r.filter],
      ['attributes', r.attributes],
      ['excludedAttributes', r.excluded],
      ['sortBy', r.sortBy],
    ]);
    return routeCase(
      {
        family: 'scim',
        route: 'GET /scim/v2/Groups',
        method: 'GET',
        path: '/scim/v2/Groups',
        query,
        auth: r.creds.auth,
      },
      withAuth(
        r.creds,
        parts.map((p) => unknown(p.v, 'any group query')),
      ),
    );
  });

const create = fc.record({ creds: credentials('scim', 'scim'), name, members, schemas: fc.boolean() }).map((r) => {
  const json = {
    ...(r.schemas ? { schemas: [GROUP] } : {}),
    displayName: r.name.v,
    members: r.members.map((m) => m.v),
  };
  return routeCase(
    {
      family: 'scim',
      route: 'POST /scim/v2/Groups',
      method: 'POST',
      path: '/scim/v2/Groups',
      body: { json },
      auth: r.creds.auth,
    },
    withAuth(r.creds, [r.name, ...r.members]),
  );
});

const patchOperation = fc.record({
  op: fc.constantFrom<unknown>('add', 'Add', 'remove', 'Remove', 'replace', 'Replace', 'delete', 1, null),
  path: fc.option(
    fc.oneof(
      fc.constantFrom('members', 'displayName', 'externalId', `${GROUP}:displayName`, 'members[value eq "⟦scimUser⟧"]'),
      fc.constantFrom('members[value eq "a" or value eq "b"]', 'members[display eq "x"]', 'members[', '__proto__'),
      anyText,
    ),
    { nil: undefined },
  ),
  value: fc.oneof(
    members.map((ms) => ms.map((m) => m.v) as unknown),
    name.map((n) => n.v),
    fc.constant<unknown>({ id: '⟦scimUser⟧', displayName: 'fuzz ⟦n⟧' }),
    fc.constantFrom<unknown>(null, undefined, {}, [], 'x'),
  ),
});

const patch = fc
  .record({ creds: credentials('scim', 'scim'), id: groupId, ops: fc.array(patchOperation, { maxLength: 4 }) })
  .map((r) =>
    routeCase(
      {
        family: 'scim',
        route: 'PATCH /scim/v2/Groups/:id',
        method: 'PATCH',
        path: '/scim/v2/Groups/:id',
        id: r.id.v,
        body: { json: { schemas: [PATCH_OP], Operations: r.ops } },
        auth: r.creds.auth,
      },
      withAuth(r.creds, [r.id]),
    ),
  );

const byId = (method: 'GET' | 'PUT' | 'DELETE') =>
  fc.record({ creds: credentials('scim', 'scim'), id: groupId, name, members }).map((r) =>
    routeCase(
      {
        family: 'scim',
        route: `${method} /scim/v2/Groups/:id`,
        method,
        path: '/scim/v2/Groups/:id',
        id: r.id.v,
        ...(method === 'PUT'
          ? { body: { json: { schemas: [GROUP], displayName: r.name.v, members: r.members.map((m) => m.v) } } }
          : {}),
        auth: r.creds.auth,
      },
      withAuth(r.creds, [r.id]),
    ),
  );

export const groupCase: fc.Arbitrary<RouteCase> = fc.oneof(
  { weight: 3, arbitrary: list },
  { weight: 3, arbitrary: create },
  { weight: 3, arbitrary: patch },
  { weight: 1, arbitrary: byId('GET') },
  { weight: 1, arbitrary: byId('PUT') },
  { weight: 1, arbitrary: byId('DELETE') },
);
