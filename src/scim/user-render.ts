import type { UserRecord } from '../directory/index.js';
import { toScimResource, etagOf } from './user-resource.js';
import type { UserGroupRef } from './group-refs.js';
import { LIST_RESPONSE } from './scim-schema.js';

// The hot read path: a User resource as JSON text, straight from the stored representation. The
// stored `scim` JSON is already the resource as the IdP sees it, less what the directory owns
// (id, externalId, userName, active, meta, groups), so the answer is that text with those spliced
// in: no parse, no coercion, no re-serialisation per request. The same resource as
// toScimResource (test/scim/fast-path-differential.spec.ts checks it), in another key order.

const quote = JSON.stringify;

/** The stored JSON's members (the text between its braces), or undefined when it is not a plain object text. */
function storedMembers(scim: string): string | undefined {
  if (scim.length < 2 || scim[0] !== '{' || scim[scim.length - 1] !== '}') return undefined;
  return scim.slice(1, -1);
}

/** A user's groups (id, displayName) as their `groups` attribute shows them, by display name (as group-refs.ts orders them). */
export const groupRefs = (groups: readonly { id: string; displayName: string }[], baseUrl: string): UserGroupRef[] =>
  groups
    .map((g) => ({ value: g.id, display: g.displayName, $ref: `${baseUrl}/Groups/${g.id}` }))
    .sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));

/** One User resource as JSON text, with its read-only `groups` when it is in any. */
export function renderUser(user: UserRecord, baseUrl: string, groups?: readonly UserGroupRef[]): string {
  const members = user.scim === undefined ? undefined : storedMembers(user.scim);
  if (members === undefined || !members.startsWith('"schemas":')) {
    const resource = toScimResource(user, baseUrl);
    if (groups && groups.length > 0) resource.groups = groups;
    return quote(resource);
  }
  const location = `${baseUrl}/Users/${user.id}`;
  return (
    `{"id":${quote(user.id)}` +
    (user.externalId ? `,"externalId":${quote(user.externalId)}` : '') +
    `,"userName":${quote(user.userName)},${members}` +
    (groups && groups.length > 0 ? `,"groups":${quote(groups)}` : '') +
    `,"active":${user.status === 'active'}` +
    `,"meta":{"resourceType":"User","created":"${user.createdAt.toISOString()}"` +
    `,"lastModified":"${user.updatedAt.toISOString()}","location":${quote(location)}` +
    `,"version":${quote(etagOf(user.version))}}}`
  );
}

/** A ListResponse as JSON text around resources already rendered. */
export function renderList(totalResults: number, startIndex: number, resources: readonly string[]): string {
  return (
    `{"schemas":["${LIST_RESPONSE}"],"totalResults":${totalResults},"startIndex":${startIndex}` +
    `,"itemsPerPage":${resources.length},"Resources":[${resources.join(',')}]}`
  );
}
