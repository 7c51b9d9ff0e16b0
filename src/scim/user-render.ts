import type { ScimReadUser, UserRecord } from '../directory/index.js';
import { toScimResource, etagOf } from './user-resource.js';
import type { UserGroupRef } from './group-refs.js';
import { LIST_RESPONSE } from './scim-schema.js';

// The hot read path: a User resource as JSON, straight from the stored representation. The stored
// `scim` JSON is already the resource as the IdP sees it, less what the directory owns (id,
// externalId, userName, active, meta, groups), so the answer is that JSON with those spliced in:
// no parse, no coercion, no re-serialisation per request. The same resource as toScimResource
// (test/scim/fast-path-differential.spec.ts checks it), in another key order.

const quote = JSON.stringify;
const SCHEMAS_FIRST = '"schemas":';
const SCHEMAS_FIRST_BYTES = Buffer.from(SCHEMAS_FIRST);
const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }

/** A user's groups (id, displayName) as their `groups` attribute shows them, by display name (as group-refs.ts orders them). */
export const groupRefs = (groups: readonly { id: string; displayName: string }[], baseUrl: string): UserGroupRef[] =>
  groups
    .map((g) => ({ value: g.id, display: g.displayName, $ref: `${baseUrl}/Groups/${g.id}` }))
    .sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));

/** What comes before the stored members: `{"id":…,"externalId":…,"userName":…,`. */
const head = (user: UserRecord) =>
  `{"id":${quote(user.id)}` +
  (user.externalId ? `,"externalId":${quote(user.externalId)}` : '') +
  `,"userName":${quote(user.userName)},`;

/** What comes after them: `,"groups":…,"active":…,"meta":{…}}`, from the user's values. */
const tailOf = (
  id: string,
  v: { active: boolean; created: string; lastModified: string; version: number },
  baseUrl: string,
  groups?: readonly UserGroupRef[],
) =>
  (groups && groups.length > 0 ? `,"groups":${quote(groups)}` : '') +
  `,"active":${v.active}` +
  `,"meta":{"resourceType":"User","created":"${v.created}"` +
  `,"lastModified":"${v.lastModified}","location":${quote(`${baseUrl}/Users/${id}`)}` +
  `,"version":${quote(etagOf(v.version))}}}`;

const tail = (user: UserRecord, baseUrl: string, groups?: readonly UserGroupRef[]) =>
  tailOf(
    user.id,
    {
      active: user.status === 'active',
      created: user.createdAt.toISOString(),
      lastModified: user.updatedAt.toISOString(),
      version: user.version,
    },
    baseUrl,
    groups,
  );

/** The resource built the slow way, for a user whose stored JSON cannot be spliced (none, or not SCIM's). */
function built(user: UserRecord, baseUrl: string, groups?: readonly UserGroupRef[]): string {
  const resource = toScimResource(user, baseUrl);
  if (groups && groups.length > 0) resource.groups = groups;
  return quote(resource);
}

/** Whether stored JSON bytes are an object whose members can be spliced (they start with "schemas"). */
const spliceable = (scim: Buffer) =>
  scim.length > SCHEMAS_FIRST_BYTES.length + 2 &&
  scim[0] === OPEN &&
  scim[scim.length - 1] === CLOSE &&
  scim.compare(SCHEMAS_FIRST_BYTES, 0, SCHEMAS_FIRST_BYTES.length, 1, 1 + SCHEMAS_FIRST_BYTES.length) === 0;

/** One User resource as JSON text, with its read-only `groups` when it is in any. */
export function renderUser(user: UserRecord, baseUrl: string, groups?: readonly UserGroupRef[]): string {
  const scim = user.scim;
  if (scim === undefined || scim[0] !== '{' || scim[scim.length - 1] !== '}' || !scim.startsWith(SCHEMAS_FIRST, 1))
    return built(user, baseUrl, groups);
  return head(user) + scim.slice(1, -1) + tail(user, baseUrl, groups);
}

/**
 * The same resource as UTF-8 bytes, from the stored JSON's bytes (scim-read-users.ts keeps them as
 * Redis sent them): the stored members are copied, never decoded and encoded again. In parts, to
 * be concatenated once with the rest of the answer (renderList).
 */
export function renderUserBytes(
  user: UserRecord,
  baseUrl: string,
  groups: readonly UserGroupRef[] | undefined,
  scim: Buffer | undefined,
): Buffer[] {
  if (scim === undefined || !spliceable(scim)) return [Buffer.from(built(user, baseUrl, groups))];
  return [Buffer.from(head(user)), scim.subarray(1, -1), Buffer.from(tail(user, baseUrl, groups))];
}

const QUOTE = Buffer.from('"');
const ACTIVE = Buffer.from('active');
const ID_OPEN = Buffer.from('{"id":"');
const EXTERNAL_ID = Buffer.from('","externalId":');
const USER_NAME_AFTER_ID = Buffer.from('","userName":');
const USER_NAME = Buffer.from(',"userName":');

/** Bytes of a stored text as a JSON string: copied between quotes when nothing in it needs escaping. */
function jsonStringBytes(text: Buffer): Buffer[] {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c < 0x20 || c === 0x22 || c === 0x5c) return [Buffer.from(quote(text.toString('utf8')))];
  }
  return [QUOTE, text, QUOTE];
}

const isoOf = (epochMs: Buffer) => new Date(Number(epochMs.toString('latin1'))).toISOString();

/**
 * A user of a hot read (scim-read-users.ts) as UTF-8 bytes, from the stored fields' bytes: the
 * same resource as renderUserBytes(u.user, …), without decoding the user into a record first
 * (a 100-user page decoded 1,100 strings, 100 records and 200 Dates it never needed).
 */
export function renderStoredUser(
  u: ScimReadUser,
  baseUrl: string,
  groups: readonly UserGroupRef[] | undefined,
): readonly Buffer[] {
  const scim = u.scimBytes;
  const userName = u.stored('userName');
  const [status, createdAt, updatedAt] = [u.stored('status'), u.stored('createdAt'), u.stored('updatedAt')];
  if (!scim || !spliceable(scim) || !userName || !status || !createdAt || !updatedAt)
    return renderUserBytes(u.user, baseUrl, groups, scim);
  const externalId = u.stored('externalId');
  const parts: Buffer[] = [ID_OPEN, Buffer.from(u.id)];
  if (externalId && externalId.length > 0) parts.push(EXTERNAL_ID, ...jsonStringBytes(externalId), USER_NAME);
  else parts.push(USER_NAME_AFTER_ID);
  parts.push(...jsonStringBytes(userName), COMMA, scim.subarray(1, -1));
  const version = Number(u.stored('version')?.toString('latin1') ?? '1');
  const values = { active: status.equals(ACTIVE), created: isoOf(createdAt), lastModified: isoOf(updatedAt), version };
  parts.push(Buffer.from(tailOf(u.id, values, baseUrl, groups)));
  return parts;
}

const COMMA = Buffer.from(',');
const LIST_END = Buffer.from(']}');

/**
 * A ListResponse as UTF-8 bytes around resources already rendered (each a string, or the byte
 * parts of renderUserBytes), concatenated once. Never one string join: one resource with a
 * character beyond Latin-1 (a name in Polish, Greek or CJK) makes a joined page a two-byte
 * string, and V8 then joins and encodes the whole page about 20× slower (100 users: 2.4 ms
 * instead of 0.1 ms).
 */
export function renderList(
  totalResults: number,
  startIndex: number,
  resources: readonly (string | readonly Buffer[])[],
): Buffer {
  const parts: Buffer[] = [
    Buffer.from(
      `{"schemas":["${LIST_RESPONSE}"],"totalResults":${totalResults},"startIndex":${startIndex}` +
        `,"itemsPerPage":${resources.length},"Resources":[`,
    ),
  ];
  resources.forEach((resource, i) => {
    if (i > 0) parts.push(COMMA);
    if (typeof resource === 'string') parts.push(Buffer.from(resource));
    else parts.push(...resource);
  });
  parts.push(LIST_END);
  return Buffer.concat(parts);
}
