import type { Directory } from '../directory/index.js';

// The read-only `groups` attribute of a User (RFC 7643 §4.1.2): read from the reverse index at
// read time, so it follows renames and deletions without touching the users.

type Json = Record<string, unknown>;

export interface UserGroupRef {
  value: string;
  display: string;
  $ref: string;
}

/** Each user's groups, in the order of `userIds` (one Redis call for all of them). */
export async function groupsOfUsers(
  directory: Directory,
  userIds: string[],
  baseUrl: string,
): Promise<UserGroupRef[][]> {
  const refs = await directory.groups.ofUsers(userIds);
  return refs.map((groups) =>
    groups
      .map((g) => ({ value: g.id, display: g.displayName, $ref: `${baseUrl}/Groups/${g.id}` }))
      .sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0)),
  );
}

export const groupsOfUser = async (directory: Directory, userId: string, baseUrl: string) =>
  (await groupsOfUsers(directory, [userId], baseUrl))[0] ?? [];

/** Sets `groups` on User resources (by their id) that are in any group; the others show none. */
export async function addGroupsTo(directory: Directory, resources: Json[], baseUrl: string): Promise<void> {
  if (resources.length === 0) return;
  const refs = await groupsOfUsers(
    directory,
    resources.map((r) => String(r.id)),
    baseUrl,
  );
  resources.forEach((resource, i) => {
    if (refs[i]!.length > 0) resource.groups = refs[i];
  });
}
