import type { UserRecord, Role, Status } from '../directory/index.js';
import { fitName } from '../directory/index.js';
import { CORE_USER } from './scim-schema.js';
import { ScimError } from './scim-error.js';

// Between a directory user and its SCIM representation. The directory owns id, userName,
// externalId, active (status) and meta; every other attribute is kept as the IdP sent it.

type Json = Record<string, unknown>;

export const etagOf = (version: number) => `W/"${version}"`;

/**
 * SCIM sees and writes only the users it manages: SSO users, made over SCIM or SAML or handed
 * over by an admin (DESIGN.md rule 8). A password user is not there for an IdP token.
 */
export const managedByScim = (user: UserRecord): boolean => user.kind === 'sso';

/** Attributes the directory itself holds; never duplicated in the stored JSON. */
const OWNED = new Set(['id', 'meta', 'username', 'externalid', 'active', 'password', 'groups']);

export function toScimResource(user: UserRecord, baseUrl: string): Json {
  const stored: Json = user.scim
    ? (JSON.parse(user.scim) as Json)
    : {
        schemas: [CORE_USER],
        name: { formatted: user.name },
        displayName: user.name,
        emails: [{ value: user.email, type: 'work', primary: true }],
      };
  const { schemas = [CORE_USER], ...attributes } = stored;
  return {
    schemas,
    id: user.id,
    ...(user.externalId ? { externalId: user.externalId } : {}),
    userName: user.userName,
    ...attributes,
    active: user.status === 'active',
    meta: {
      resourceType: 'User',
      created: user.createdAt.toISOString(),
      lastModified: user.updatedAt.toISOString(),
      location: `${baseUrl}/Users/${user.id}`,
      version: etagOf(user.version),
    },
  };
}

export interface DirectoryFields {
  userName: string;
  externalId?: string;
  email: string;
  name: string;
  active: boolean;
  /** Only when role mapping is on: admin when a role sent matches, else user. */
  role?: Role;
  scim: string;
}

const EMAIL_LIKE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function primaryEmail(resource: Json): string | undefined {
  const emails = Array.isArray(resource.emails) ? (resource.emails as Json[]) : [];
  const chosen = emails.find((e) => e.primary === true && e.value) ?? emails.find((e) => e.value);
  if (chosen) return String(chosen.value);
  const userName = String(resource.userName ?? '');
  return EMAIL_LIKE.test(userName) ? userName : undefined;
}

export interface FromScimOptions {
  adminRoleValues: readonly string[];
  /** The status a resource without `active` keeps (a PUT); absent, it is active (a POST, RFC 7643 default). */
  currentStatus?: Status;
}

/** What the directory keeps of a validated SCIM User. */
export function fromScimResource(resource: Json, options: FromScimOptions): DirectoryFields {
  const email = primaryEmail(resource);
  if (!email)
    throw new ScimError(400, 'A user needs an email: send emails, or an email address as userName.', 'invalidValue');
  const name = (resource.name ?? {}) as Json;
  const given = [name.givenName, name.familyName].filter(Boolean).join(' ');
  const fitted = fitName(name.formatted as string, resource.displayName as string, given, email.split('@')[0], email)!;

  // With role mapping on, the role follows the roles sent: no roles (absent, [], removed) is user.
  let role: Role | undefined;
  if (options.adminRoleValues.length > 0) {
    const wanted = new Set(options.adminRoleValues.map((v) => v.toLowerCase()));
    const roles = Array.isArray(resource.roles) ? (resource.roles as Json[]) : [];
    role = roles.some((r) => wanted.has(String(r?.value ?? '').toLowerCase())) ? 'admin' : 'user';
  }
  const active =
    resource.active === undefined ? (options.currentStatus ?? 'active') === 'active' : resource.active !== false;
  const kept = Object.fromEntries(Object.entries(resource).filter(([key]) => !OWNED.has(key.toLowerCase())));
  return {
    userName: String(resource.userName),
    externalId: typeof resource.externalId === 'string' && resource.externalId !== '' ? resource.externalId : undefined,
    email,
    name: fitted,
    active,
    role,
    scim: JSON.stringify(kept),
  };
}
