import type { UserRecord, Role, Status } from '../directory/index.js';
import { fitName, isEmailAddress } from '../directory/index.js';
import { CORE_USER } from './scim-schema.js';
import { ScimError } from './scim-error.js';
import { addGroupsTo } from './group-refs.js';
import type { Directory } from '../directory/index.js';

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
        ...(user.email ? { emails: [{ value: user.email, type: 'work', primary: true }] } : {}),
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

/** User resources with their read-only `groups` (group-refs.ts: the reverse index, read now). */
export async function withGroups(directory: Directory, resources: Json[], baseUrl: string): Promise<Json[]> {
  await addGroupsTo(directory, resources, baseUrl);
  return resources;
}

export interface DirectoryFields {
  userName: string;
  externalId?: string;
  /** The directory email (see directoryEmail); '' when the IdP sent no valid address. */
  email: string;
  /** Every other `emails` value, indexed so that `emails.value eq` finds secondary addresses. */
  mails: string[];
  name: string;
  active: boolean;
  /** Only when role mapping is on: admin when a role sent matches, else user. */
  role?: Role;
  scim: string;
}

const flag = (entry: Json, name: string) => entry[name] === true;
const valueOf = (entry: Json) => (typeof entry.value === 'string' ? entry.value : undefined);

/**
 * The directory email of a SCIM user: the first valid address among the primary email, the
 * `work` email, any email, and the userName. RFC 7643 says emails SHOULD be addresses, not
 * MUST: an invalid one is kept in the resource as sent, and a user with none has no email.
 */
export function directoryEmail(resource: Json): string | undefined {
  const emails = Array.isArray(resource.emails) ? (resource.emails as unknown[]).filter(isJson) : [];
  const candidates = [
    ...emails.filter((e) => flag(e, 'primary')),
    ...emails.filter((e) => typeof e.type === 'string' && e.type.toLowerCase() === 'work'),
    ...emails,
  ].map(valueOf);
  candidates.push(typeof resource.userName === 'string' ? resource.userName : undefined);
  return candidates.find((value): value is string => value !== undefined && isEmailAddress(value));
}

const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every `emails` value, as the index spells it (the directory drops the directory email). */
const emailValues = (resource: Json): string[] =>
  Array.isArray(resource.emails)
    ? (resource.emails as unknown[])
        .filter(isJson)
        .map(valueOf)
        .filter((v): v is string => v !== undefined && v.trim() !== '')
    : [];

export interface FromScimOptions {
  adminRoleValues: readonly string[];
  /** The status a resource without `active` keeps (a PUT); absent, it is active (a POST, RFC 7643 default). */
  currentStatus?: Status;
}

/** What the directory keeps of a validated SCIM User. */
export function fromScimResource(resource: Json, options: FromScimOptions): DirectoryFields {
  const email = directoryEmail(resource);
  const userName = String(resource.userName);
  const name = (resource.name ?? {}) as Json;
  const given = [name.givenName, name.familyName].filter(Boolean).join(' ');
  const fitted = fitName(
    name.formatted as string,
    resource.displayName as string,
    given,
    email?.split('@')[0],
    email,
    userName.split('@')[0],
    userName,
  );
  if (!fitted)
    throw new ScimError(
      400,
      'A user needs a name: send name, displayName or a userName of 3 characters or more.',
      'invalidValue',
    );

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
    userName,
    externalId: typeof resource.externalId === 'string' && resource.externalId !== '' ? resource.externalId : undefined,
    email: email ?? '',
    mails: emailValues(resource),
    name: fitted,
    active,
    role,
    scim: JSON.stringify(kept),
  };
}
