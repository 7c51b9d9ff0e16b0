import { expect } from 'chai';
import fc from 'fast-check';
import { fastCoerceUser } from '../../src/scim/fast-user.js';
import { coerceUser } from '../../src/scim/scim-schema.js';
import { normalizeUserBody } from '../../src/scim/quirks.js';
import { checkResourceLimits } from '../../src/scim/resource-limits.js';
import { fromScimResource, toScimResource } from '../../src/scim/user-resource.js';
import { groupRefs, renderStoredList, renderUser } from '../../src/scim/user-render.js';
import { ScimReadUser } from '../../src/directory/index.js';
import type { UserRecord } from '../../src/directory/index.js';
import { scimStyleUsers } from '../../bench/support/scim-users.js';

// The fast path of POST/PUT bodies (src/scim/fast-user.ts) against scimmy, the judge: over
// generated bodies near the shapes IdPs send (and many that are not) and recorded ones, whenever
// the fast path answers, scimmy accepts the same body and gives the same resource, key for key
// and in the same order, so the directory stores the same JSON and fields. When it does not
// answer, the body goes to scimmy: then there is nothing to differ.

type Json = Record<string, unknown>;
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

type Outcome = { ok: true; stored: string; fields: unknown } | { ok: false; error: string };

const store = (coerced: Json): Outcome => {
  try {
    const fields = fromScimResource(checkResourceLimits(coerced), { adminRoleValues: ['admin'] });
    return { ok: true, stored: JSON.stringify(coerced), fields };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
};

function judge(body: unknown): { fast: boolean } {
  const normalized = normalizeUserBody(structuredClone(body));
  const fast = fastCoerceUser(structuredClone(normalized));
  if (fast === undefined) return { fast: false };
  let scimmy: Json;
  try {
    scimmy = coerceUser(structuredClone(normalized), 'in');
  } catch (error) {
    throw new Error(
      `the fast path accepted what scimmy refuses (${(error as Error).message}): ${JSON.stringify(body)}`,
      { cause: error },
    );
  }
  expect(JSON.stringify(fast), JSON.stringify(body)).to.equal(JSON.stringify(scimmy));
  expect(store(fast), JSON.stringify(body)).to.deep.equal(store(scimmy));
  return { fast: true };
}

// Values: mostly what IdPs send, sometimes what they should not.
const text = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom('', ' ', 'Ann', 'emailName357', 'ann@corp.test', 'ÅSA ÖST', '日本語') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
);
const odd = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.constant('True'),
);
const maybeOdd = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 30, arbitrary: arb }, { weight: 1, arbitrary: odd });
const address = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom('emailName357', 'a@b', 'x@y.co', 'UPPER@CORP.TEST', 'not an address'),
);
const entry = (types: string[]) =>
  fc.record(
    {
      value: maybeOdd(address),
      type: maybeOdd(fc.constantFrom(...types, 'Work', 'weird')),
      primary: maybeOdd(fc.boolean()),
      display: maybeOdd(text),
      Primary: fc.boolean(),
      extra: text,
    },
    { requiredKeys: [] },
  );
const name = fc.record(
  {
    formatted: maybeOdd(text),
    familyName: maybeOdd(text),
    givenName: maybeOdd(text),
    middleName: maybeOdd(text),
    honorificPrefix: maybeOdd(text),
    GivenName: text,
    nickname: text,
  },
  { requiredKeys: [] },
);
const enterprise = fc.record(
  {
    employeeNumber: maybeOdd(text),
    costCenter: maybeOdd(text),
    department: maybeOdd(text),
    division: maybeOdd(text),
    organization: maybeOdd(text),
    manager: maybeOdd(fc.oneof(text, fc.record({ value: text }))),
  },
  { requiredKeys: [] },
);
const schemas = fc.constantFrom(
  [CORE],
  [CORE],
  [CORE, ENTERPRISE],
  [ENTERPRISE, CORE],
  [CORE, CORE],
  ['urn:ietf:params:scim:schemas:core:2.0:user'],
  [],
  CORE,
);
const noise = fc.record(
  {
    UserName: text,
    profileUrl: text,
    unknownAttribute: text,
    emails: fc.array(entry(['work', 'home', 'other']), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);
const oneOf = <T>(items: readonly T[]) => fc.constantFrom(...items);
// Mostly clean bodies (the attributes IdPs send, a value now and then of the wrong type or case),
// some with attributes the fast path leaves to scimmy.
const body = fc
  .tuple(
    fc.record(
      {
        schemas: fc.oneof(
          { weight: 8, arbitrary: oneOf([[CORE], [CORE, ENTERPRISE]]) },
          { weight: 1, arbitrary: schemas },
        ),
        userName: maybeOdd(fc.oneof(address, text)),
        externalId: maybeOdd(text),
        name: maybeOdd(
          fc.record(
            { formatted: maybeOdd(text), familyName: maybeOdd(text), givenName: maybeOdd(text), middleName: text },
            { requiredKeys: [] },
          ),
        ),
        displayName: maybeOdd(text),
        title: maybeOdd(text),
        locale: maybeOdd(fc.constantFrom('en-US', 'fr-FR', 'not a locale')),
        active: maybeOdd(fc.oneof(fc.boolean(), fc.constantFrom('True', 'False'))),
        emails: maybeOdd(
          fc.array(
            fc.record(
              {
                value: maybeOdd(address),
                type: maybeOdd(fc.constantFrom('work', 'home', 'other', 'Work')),
                primary: maybeOdd(fc.boolean()),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 3 },
          ),
        ),
        phoneNumbers: fc.array(fc.record({ value: text, type: fc.constantFrom('work', 'mobile', 'pager') }), {
          maxLength: 2,
        }),
        [ENTERPRISE]: maybeOdd(
          fc.record({ employeeNumber: text, department: maybeOdd(text), costCenter: text }, { requiredKeys: [] }),
        ),
        password: text,
        groups: fc.constant([]),
        roles: fc.constant([]),
      },
      { requiredKeys: ['schemas', 'userName'] },
    ),
    fc.oneof({ weight: 6, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: noise }),
  )
  .map(([clean, extra]) => ({ ...clean, ...extra }));

const wild = fc
  .record(
    {
      schemas,
      userName: maybeOdd(fc.oneof(address, text)),
      externalId: maybeOdd(text),
      name: maybeOdd(name),
      displayName: maybeOdd(text),
      nickName: maybeOdd(text),
      title: maybeOdd(text),
      userType: maybeOdd(text),
      preferredLanguage: maybeOdd(fc.constantFrom('en-US', 'en', 'de-DE', 'xx')),
      locale: maybeOdd(fc.constantFrom('en-US', 'fr-FR', 'not a locale')),
      timezone: maybeOdd(fc.constantFrom('America/Los_Angeles', 'Europe/Berlin', 'zz')),
      active: maybeOdd(fc.oneof(fc.boolean(), fc.constantFrom('True', 'False', 'true'))),
      emails: maybeOdd(fc.array(entry(['work', 'home', 'other']), { maxLength: 3 })),
      phoneNumbers: maybeOdd(fc.array(entry(['work', 'home', 'mobile', 'fax', 'pager', 'other']), { maxLength: 2 })),
      [ENTERPRISE]: maybeOdd(enterprise),
      password: text,
      groups: fc.constant([]),
      meta: fc.constant({ resourceType: 'User' }),
      id: text,
      roles: fc.constantFrom([], [{ value: 'admin' }]),
      UserName: text,
      profileUrl: text,
      unknownAttribute: text,
    },
    { requiredKeys: ['schemas'] },
  )
  // Mostly a userName: what every IdP sends.
  .chain((b) => fc.boolean().map((drop) => (drop || 'userName' in b ? b : { ...b, userName: 'fallback@corp.test' })));

// Recorded: what Okta, Entra ID, OneLogin and Google send, and Microsoft's collection.
const recorded: Json[] = [
  ...scimStyleUsers(300, 7)
    .map((u) => u.body)
    .filter((b): b is Json => b !== undefined),
  {
    schemas: [CORE],
    userName: 'isabella.onelogin@corp.test',
    name: { givenName: 'Isabella', familyName: 'Jones' },
    emails: [{ value: 'isabella.onelogin@corp.test', primary: true }],
    externalId: '123456',
    active: true,
    title: 'Engineer',
    phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
  },
  {
    schemas: [CORE],
    userName: 'gwen@google.example',
    name: { givenName: 'Gwen', familyName: 'Google', formatted: 'Gwen Google' },
    emails: [
      { value: 'gwen@google.example', type: 'work', primary: true },
      { value: 'gwen@home.example', type: 'home' },
    ],
    active: true,
  },
  {
    schemas: [CORE, ENTERPRISE],
    userName: 'UserNameemailName357',
    active: true,
    displayName: 'DisplayName357',
    emails: [
      { type: 'work', Primary: true, value: 'emailName357' },
      { type: 'home', value: 'home357@contoso.example' },
    ],
    externalId: 'ms-357',
    name: { formatted: 'Ryan Leenay', familyName: 'Leenay', givenName: 'Ryan' },
  },
  {
    schemas: [CORE, ENTERPRISE],
    externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
    userName: 'Test_User_ab6490ee@contoso.onmicrosoft.com',
    active: 'True',
    emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b@testuser.com' }],
    meta: { resourceType: 'User' },
    name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    roles: [],
    [ENTERPRISE]: { department: 'Sales', manager: '' },
  },
];

describe('SCIM fast path: agrees with scimmy on every body', () => {
  it('gives what scimmy gives, or leaves the body to scimmy (fixed seed)', function () {
    this.timeout(120_000);
    let cases = 0;
    let fast = 0;
    for (const b of recorded) {
      cases++;
      if (judge(b).fast) fast++;
    }
    const recordedFast = fast;
    fc.assert(
      fc.property(fc.oneof({ weight: 5, arbitrary: body }, { weight: 1, arbitrary: wild }), (b) => {
        cases++;
        if (judge(b).fast) fast++;
      }),
      { seed: 13, numRuns: 5000 },
    );
    console.log(
      `      fast-path differential: ${cases} bodies (${recorded.length} recorded, ${recordedFast} of them on the fast path), ` +
        `${fast} taken by the fast path, all agreeing with scimmy`,
    );
    // The recorded IdP bodies are what the fast path is for: nearly all of them take it.
    expect(recordedFast).to.be.greaterThan(recorded.length * 0.9);
    expect(fast).to.be.greaterThan(1000);
  });
});

describe('SCIM read path: the rendered text is the resource', () => {
  const base = 'https://rune.example/scim/v2';

  /** A hot read's user that counts how often its record is decoded (the stored render should never). */
  class CountingReadUser extends ScimReadUser {
    decoded = 0;
    override get user(): UserRecord {
      this.decoded++;
      return super.user;
    }
  }

  /** The user as a hot read answers it: the stored fields' bytes in scim-read-users' order, stored as create-user stores them. */
  const asRead = (user: UserRecord, groups: { id: string; displayName: string }[], records = true) => {
    // A userName is stored only where it differs from the email.
    const userName = user.userName === user.email ? undefined : user.userName;
    const times = [user.createdAt, user.updatedAt].map((t) => String(t.getTime()));
    const rendered = [userName, user.email, user.externalId, user.status, ...times, String(user.version), user.scim];
    const stored = rendered
      .concat(records || user.scim === undefined ? [user.name, user.role, user.kind] : [])
      .map((v) => (v === undefined || v === null ? null : Buffer.from(v)));
    return new CountingReadUser(Buffer.from(user.id), stored, 0, stored.length, groups);
  };

  /** The one resource of a stored-bytes ListResponse of `read`. */
  const renderedFromStored = (read: ScimReadUser) => {
    const list = JSON.parse(renderStoredList(1, 1, [read], base).toString('utf8')) as { Resources: Json[] };
    expect(list.Resources).to.have.length(1);
    return list.Resources[0];
  };

  it('renders every stored user as toScimResource builds it: as text and from the stored bytes, with and without groups', () => {
    let n = 0;
    let decodedOnTheFastPath = 0;
    for (const b of recorded) {
      const fields = fromScimResource(coerceUser(normalizeUserBody(structuredClone(b)), 'in'), { adminRoleValues: [] });
      for (const scim of [fields.scim, undefined]) {
        const user: UserRecord = {
          id: `0000000${n % 10}-0000-4000-8000-000000000000`,
          name: fields.name,
          email: fields.email || null,
          userName: fields.userName ?? fields.email,
          externalId: fields.externalId,
          role: 'user',
          status: n % 3 === 0 ? 'inactive' : 'active',
          kind: 'sso',
          mustChangePassword: false,
          createdAt: new Date(1_700_000_000_000 + n * 7_919_000_013),
          updatedAt: new Date(1_700_000_500_000 + n * 86_400_001),
          version: 1 + (n % 4),
          scim,
          activeSessions: 0,
          sessionsToCleanUp: 0,
        };
        const groups = n % 2 === 0 ? [] : [{ id: 'g1', displayName: 'Sales "EU"' }];
        const expected = toScimResource(user, base);
        if (groups.length > 0) expected.groups = groupRefs(groups, base);
        expect(JSON.parse(renderUser(user, base, groupRefs(groups, base)))).to.deep.equal(expected);
        const read = asRead(user, groups, n % 4 < 2);
        expect(renderedFromStored(read)).to.deep.equal(expected);
        if (scim !== undefined) decodedOnTheFastPath += read.decoded;
        n++;
      }
    }
    expect(n).to.equal(recorded.length * 2);
    // A user with stored SCIM JSON is written from its bytes: its record is never built.
    expect(decodedOnTheFastPath).to.equal(0);
  });

  it('renders any userName and externalId from the stored bytes as toScimResource does (quotes, backslashes, controls, any script)', () => {
    const fields = fromScimResource(coerceUser(normalizeUserBody(structuredClone(recorded[0]!)), 'in'), {
      adminRoleValues: [],
    });
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(text, fc.option(text, { nil: undefined }), fc.boolean(), (userName, externalId, active) => {
        const user: UserRecord = {
          id: '00000000-0000-4000-8000-000000000001',
          name: fields.name,
          email: fields.email || null,
          userName,
          externalId,
          role: 'user',
          status: active ? 'active' : 'inactive',
          kind: 'sso',
          mustChangePassword: false,
          createdAt: new Date(1_700_000_000_000),
          updatedAt: new Date(1_700_000_500_000),
          version: 3,
          scim: fields.scim,
          activeSessions: 0,
          sessionsToCleanUp: 0,
        };
        const read = asRead(user, [], false);
        expect(renderedFromStored(read)).to.deep.equal(toScimResource(user, base));
        expect(read.decoded).to.equal(0);
      }),
      { numRuns: 500, seed: 1313 },
    );
  });
});
