import type { UserRecord, Role } from '../directory/index.js';
import { fitName } from '../directory/index.js';
import { CORE_USER } from './scim-schema.js';
import { ScimError } from './scim-error.js';

// Between a directory user and its SCIM representation. The directory owns id, userName,
// externalId, active (status) and meta; every other attribute is kept as the IdP sent it.

type Json = Record<string, unknown>;

export const etagOf = (version: number) => `W/"${version}"`;

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
  /** Only when role mapping is on and the resource carries roles. */
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

/** What the directory keeps of a validated SCIM User. */
export function fromScimResource(resource: Json, options: { adminRoleValues: readonly string[] }): DirectoryFields {
  const email = primaryEmail(resource);
  if (!email) throw new ScimError(400, 'A user needs an email: send emails, or an email address as userName.', 'invalidValue');
  const name = (resource.name ?? {}) as Json;
  const given = [name.givenName, name.familyName].filter(Boolean).join(' ');
  const fitted = fitName(name.formatted as string, resource.displayName as string, given, email.split('@')[0], email)!;

  let role: Role | undefined;
  if (options.adminRoleValues.length > 0 && Array.isArray(resource.roles)) {
    const wanted = new Set(options.adminRoleValues.map((v) => v.toLowerCase()));
    role = (resource.roles as Json[]).some((r) => wanted.has(String(r.value ?? '').toLowerCase())) ? 'admin' : 'user';
  }
  const kept = Object.fromEntries(Object.entries(resource).filter(([key]) => !OWNED.has(key.toLowerCase())));
  return {
    userName: String(resource.userName),
    externalId: typeof resource.externalId === 'string' && resource.externalId !== '' ? resource.externalId : undefined,
    email,
    name: fitted,
    active: resource.active !== false,
    role,
    scim: JSON.stringify(kept),
  };
}
