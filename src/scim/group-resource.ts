import type { GroupRecord } from '../directory/groups/types.js';
import { isUuid } from '../http/ids.js';
import { ScimError } from './scim-error.js';
import { etagOf } from './user-resource.js';

// Between a directory group and its SCIM representation (RFC 7643 §4.2), and the checks on a
// Group body (POST, PUT) that run before anything is stored. Bodies are read key by key, by
// case-insensitive name, and never merged into an object: no input becomes a key.

type Json = Record<string, unknown>;

export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
/** The most members one representation of a group shows; the rest are stored all the same. */
export const MAX_MEMBERS_SHOWN = 1000;
/** The most member values one request may name (a 256 KiB body holds about 5,000). */
export const MAX_MEMBERS_PER_REQUEST = 10_000;
export const MAX_GROUP_TEXT = 256;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An own property by case-insensitive name, also fully qualified by the Group schema URN. */
export function field(body: Json, name: string): unknown {
  const lower = name.toLowerCase();
  const qualified = `${CORE_GROUP}:${name}`.toLowerCase();
  const key = Object.keys(body).find((k) => k.toLowerCase() === lower || k.toLowerCase() === qualified);
  return key === undefined ? undefined : body[key];
}

export function toGroupResource(group: GroupRecord, baseUrl: string): Json {
  return {
    schemas: [CORE_GROUP],
    id: group.id,
    ...(group.externalId !== undefined ? { externalId: group.externalId } : {}),
    displayName: group.displayName,
    ...(group.memberList
      ? {
          members: group.memberList.map((m) => ({
            value: m.id,
            display: m.name,
            $ref: `${baseUrl}/Users/${m.id}`,
            type: 'User',
          })),
        }
      : {}),
    meta: {
      resourceType: 'Group',
      created: group.createdAt.toISOString(),
      lastModified: group.updatedAt.toISOString(),
      location: `${baseUrl}/Groups/${group.id}`,
      version: etagOf(group.version),
    },
  };
}

const invalid = (detail: string) => new ScimError(400, detail, 'invalidValue');

/** A displayName or externalId: text of 1 to MAX_GROUP_TEXT characters, no control characters. */
export function groupText(value: unknown, name: string): string {
  if (typeof value !== 'string') throw invalid(`${name} must be text.`);
  const text = value.normalize('NFC').trim();
  if (text.length === 0 || text.length > MAX_GROUP_TEXT)
    throw invalid(`${name} must be 1 to ${MAX_GROUP_TEXT} characters.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) throw invalid(`${name} may hold no control character.`);
  if (/[\ud800-\udfff]/.test(text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')))
    throw invalid(`${name} holds a lone surrogate.`);
  return text;
}

const refuseMember = (value: unknown) =>
  new ScimError(
    400,
    `members: ${JSON.stringify(String(value).slice(0, 80))} is no user this identity provider manages.`,
    'invalidValue',
  );

/** One member value, `{value, display?, $ref?, type?}` (or, leniently, the bare id): the user id. */
export function memberId(member: unknown): string {
  const entry = isObject(member) ? member : { value: member };
  const type = field(entry, 'type');
  if (type !== undefined && !(typeof type === 'string' && type.toLowerCase() === 'user'))
    throw invalid('members: only members of type "User" are supported.');
  const value = field(entry, 'value');
  if (typeof value !== 'string') throw invalid('Each member needs a value: the id of a User.');
  // An id that is no UUID names nobody this service could have made.
  if (!isUuid(value)) throw refuseMember(value);
  return value;
}

/** A members value: an array of members (or one member), as user ids, bounded. */
export function memberIds(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  if (items.length > MAX_MEMBERS_PER_REQUEST)
    throw invalid(`At most ${MAX_MEMBERS_PER_REQUEST} members can be sent in one request.`);
  return [...new Set(items.map(memberId))];
}

export interface GroupBody {
  displayName: string;
  externalId?: string;
  members: string[];
}

/** A Group of POST or PUT: displayName required, externalId optional, members optional (none). */
export function parseGroupBody(body: unknown): GroupBody {
  if (!isObject(body)) throw new ScimError(400, 'The body must be a SCIM Group object.', 'invalidSyntax');
  const schemas = field(body, 'schemas');
  if (schemas !== undefined) {
    if (
      !Array.isArray(schemas) ||
      !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === CORE_GROUP.toLowerCase())
    )
      throw new ScimError(400, `A Group's schemas must hold "${CORE_GROUP}".`, 'invalidSyntax');
  }
  const displayName = field(body, 'displayName');
  if (displayName === undefined || displayName === null || displayName === '')
    throw invalid('A Group needs a displayName.');
  const externalId = field(body, 'externalId');
  return {
    displayName: groupText(displayName, 'displayName'),
    externalId:
      externalId === undefined || externalId === null || externalId === ''
        ? undefined
        : groupText(externalId, 'externalId'),
    members: memberIds(field(body, 'members')),
  };
}
