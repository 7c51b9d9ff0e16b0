import type { NewUser } from '../../src/directory/index.js';
import { coerceUser } from '../../src/scim/scim-schema.js';
import { normalizeUserBody } from '../../src/scim/quirks.js';
import { fromScimResource } from '../../src/scim/user-resource.js';
import { fakeUsers, seededRandom } from './users.js';

// Directory users as SCIM provisioning leaves them, for bulk setup through Directory.createUser:
// one third as Okta creates them (userName = the email, an Okta externalId), one third as Entra ID
// creates them (userName = a UPN that differs from the email, a GUID externalId, enterprise
// extension), one third created by an admin (password users: no userName, externalId or SCIM JSON).
//
// The stored SCIM JSON holds what the SCIM layer stores for such a POST (ScimProvisioner.create:
// normalizeUserBody -> coerceUser -> fromScimResource), built here directly because the real
// mapping costs ~0.2 ms a user; `verifyAgainstScimLayer` checks a sample against the real mapping.

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'Support', 'Marketing', 'R&D', 'People'];
const TITLES = ['Engineer', 'Account Executive', 'Analyst', 'Support Specialist', 'Designer', 'Manager'];
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';

export type Style = 'okta' | 'entra' | 'admin';

export interface BenchUser {
  user: NewUser;
  style: Style;
  /** The SCIM userName a filter finds the user by (the email where none is stored). */
  userName: string;
  /** The SCIM body an IdP would have sent (SCIM styles only). */
  body?: Record<string, unknown>;
}

export function scimStyleUsers(count: number, seed: number): BenchUser[] {
  const random = seededRandom(seed ^ 0x5c1a);
  const chars = (alphabet: string, n: number) =>
    Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  const guid = () =>
    `${chars(HEX, 8)}-${chars(HEX, 4)}-4${chars(HEX, 3)}-${'89ab'[Math.floor(random() * 4)]}${chars(HEX, 3)}-${chars(HEX, 12)}`;
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;

  return fakeUsers(count, { seed, adminShare: 0.01, inactiveShare: 0.02 }).map((person, i): BenchUser => {
    const style: Style = (['okta', 'entra', 'admin'] as const)[i % 3]!;
    if (style === 'admin') return { user: person, style, userName: person.email };

    const [given = '', ...rest] = person.name.split(' ');
    const family = rest.join(' ');
    const active = person.status !== 'inactive';
    const email = { value: person.email, type: 'work', primary: true };
    /** The user as the bulk setup stores it: SSO, found by `userName`, with the SCIM JSON `scim`. */
    const provisioned = (userName: string, externalId: string, body: object, scim: object): BenchUser => ({
      style,
      userName,
      body: body as Record<string, unknown>,
      user: {
        ...{ name: person.name, email: person.email, userName, externalId, role: 'user', kind: 'sso' },
        ...{ status: person.status, scim: JSON.stringify(scim) },
      },
    });
    if (style === 'okta') {
      const externalId = `00u${chars(BASE62, 17)}`;
      const name = { givenName: given, familyName: family };
      return provisioned(
        person.email,
        externalId,
        {
          ...{ schemas: [CORE_USER], userName: person.email, name, displayName: person.name, locale: 'en-US' },
          ...{ emails: [{ primary: true, value: person.email, type: 'work' }], externalId, groups: [] },
          ...{ password: chars(BASE62, 10), active },
        },
        {
          schemas: [CORE_USER],
          name: { familyName: family, givenName: given },
          ...{ displayName: person.name, locale: 'en-US', emails: [email] },
        },
      );
    }
    // Entra ID: userName is the UPN, the mail attribute the work email.
    const upn = `${person.email.split('@')[0]}@runebench.onmicrosoft.com`;
    const externalId = guid();
    const enterprise = { employeeNumber: String(100000 + i), department: pick(DEPARTMENTS) };
    const title = pick(TITLES);
    const name = { formatted: person.name, familyName: family, givenName: given };
    return provisioned(
      upn,
      externalId,
      {
        ...{ schemas: [CORE_USER, ENTERPRISE_USER], externalId, userName: upn, active, displayName: person.name },
        ...{ title, preferredLanguage: 'en-US', name, emails: [{ primary: true, type: 'work', value: person.email }] },
        [ENTERPRISE_USER]: enterprise,
      },
      {
        ...{ schemas: [CORE_USER, ENTERPRISE_USER], name, displayName: person.name, title },
        ...{ preferredLanguage: 'en-US', emails: [email], [ENTERPRISE_USER]: enterprise },
      },
    );
  });
}

/** JSON text with every object's keys sorted: the same attributes and values, whatever their order. */
function canonical(json: string | undefined): string | undefined {
  if (json === undefined) return undefined;
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  };
  return JSON.stringify(sortKeys(JSON.parse(json)));
}

/**
 * Maps the first `sample` SCIM-style users through the real SCIM layer and checks that it gives
 * the same directory fields as the bulk setup stores (the SCIM JSON compared attribute by attribute:
 * its key order may differ). Answers how many were checked.
 */
export function verifyAgainstScimLayer(users: readonly BenchUser[], sample: number): number {
  let checked = 0;
  for (const u of users) {
    if (checked >= sample) break;
    if (!u.body) continue;
    const fields = fromScimResource(coerceUser(normalizeUserBody(structuredClone(u.body)), 'in'), {
      adminRoleValues: [],
    });
    const view = (u: {
      name?: string;
      email?: string | null;
      userName?: string | null;
      externalId?: string | null;
    }) => ({ name: u.name, email: u.email, userName: u.userName, externalId: u.externalId });
    const real = { ...view(fields), status: fields.active ? 'active' : 'inactive', scim: canonical(fields.scim) };
    const ours = { ...view(u.user), status: u.user.status ?? 'active', scim: canonical(u.user.scim) };
    if (JSON.stringify(real) !== JSON.stringify(ours)) {
      throw new Error(
        `bench ${u.style} user differs from what the SCIM layer stores:\n  SCIM layer: ${JSON.stringify(real)}\n  bench:      ${JSON.stringify(ours)}`,
      );
    }
    checked++;
  }
  return checked;
}
