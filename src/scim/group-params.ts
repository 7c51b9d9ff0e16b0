import { checkAttributeList } from './attribute-path.js';
import type { Projection } from './shape.js';

// Which of a /Groups read's parameters ask for members at all, and If-Match as versions.
// (The list parameters themselves are list-params.ts, shared with /Users.)

/** Whether the projection keeps members: so a read with excludedAttributes=members never loads them. */
export function membersWanted(projection: Projection): boolean {
  const names = (list: string) => checkAttributeList(list, 'attributes').map((n) => n.toLowerCase());
  if (projection.attributes !== undefined)
    return names(String(projection.attributes)).some((n) => n === 'members' || n.startsWith('members.'));
  if (projection.excludedAttributes !== undefined)
    return !names(String(projection.excludedAttributes)).includes('members');
  return true;
}

/** If-Match as the versions it accepts: undefined for none or `*`. */
export function ifMatchVersions(header: string | undefined): number[] | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  return header
    .split(',')
    .map((tag) => /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(tag)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
}
