import type { Directory } from '../directory/index.js';
import type { GroupRecord } from '../directory/groups/types.js';
import { isUuid } from '../http/ids.js';
import { ScimError } from './scim-error.js';
import { parseFilter, type FilterNode } from './filter-syntax.js';
import { matchesFilter } from './filter-match.js';
import { sortResources } from './sort.js';
import { pageWindow } from './page-window.js';
import { ENTERPRISE_USER } from './scim-schema.js';
import { toGroupResource, MAX_MEMBERS_SHOWN } from './group-resource.js';
import type { ListParams, ListResult } from './user-query.js';

// GET /Groups and POST /Groups/.search. Equality on id, displayName or externalId, and
// members[value eq "u"] (the user's reverse index) are answered from indexes, alone or and-ed
// with more conditions; any other filter reads the groups' heads (no members) in creation order.
// A filter on members can only ask for `value eq` (members[value eq "…"] or members.value eq
// "…"): membership is checked per candidate (SISMEMBER), so no big group is read to filter it.

type Json = Record<string, unknown>;

const SCAN_BATCH = 1000;
const invalidFilter = (why: string) => new ScimError(400, `Invalid filter: ${why}.`, 'invalidFilter');

const conjuncts = (filter: FilterNode): FilterNode[] => (filter.kind === 'and' ? filter.items : [filter]);
const isMembers = (node: { path: { schema?: string; name?: string } }) =>
  node.path.schema !== ENTERPRISE_USER && node.path.name?.toLowerCase() === 'members';

/** A member's id compared by a term: members[value eq "u"] or members.value eq "u". */
function memberEq(node: FilterNode): string | undefined {
  if (node.kind === 'compare' && isMembers(node) && node.path.sub?.toLowerCase() === 'value' && node.op === 'eq')
    return typeof node.value === 'string' ? node.value : undefined;
  if (node.kind === 'valuePath' && isMembers(node)) {
    const inner = node.filter;
    if (
      inner.kind === 'compare' &&
      inner.op === 'eq' &&
      inner.path.sub === undefined &&
      inner.path.name?.toLowerCase() === 'value' &&
      typeof inner.value === 'string'
    )
      return inner.value;
  }
  return undefined;
}

/** Every member id the filter compares; refuses any other use of members. */
function memberValues(node: FilterNode, into: Set<string>): Set<string> {
  if (node.kind === 'and' || node.kind === 'or') node.items.forEach((item) => memberValues(item, into));
  else if (node.kind === 'not') memberValues(node.item, into);
  else if ((node.kind === 'compare' || node.kind === 'valuePath') && isMembers(node)) {
    const id = memberEq(node);
    if (id === undefined) throw invalidFilter('members can be filtered by value eq "<user id>" only');
    into.add(id);
  }
  return into;
}

function eqString(terms: FilterNode[], name: string): string | undefined {
  for (const t of terms)
    if (
      t.kind === 'compare' &&
      t.op === 'eq' &&
      t.path.schema === undefined &&
      t.path.sub === undefined &&
      t.path.name?.toLowerCase() === name &&
      typeof t.value === 'string'
    )
      return t.value;
  return undefined;
}

/** The ids an indexed term among the and-terms allows, or undefined when none is indexed. */
async function indexedIds(directory: Directory, filter: FilterNode): Promise<string[] | undefined> {
  const terms = conjuncts(filter);
  const id = eqString(terms, 'id');
  if (id !== undefined) return isUuid(id) ? [id] : [];
  const member = terms.map(memberEq).find((v) => v !== undefined);
  if (member !== undefined) return isUuid(member) ? directory.groups.idsOfMember(member) : [];
  const displayName = eqString(terms, 'displayname');
  if (displayName !== undefined) return directory.groups.idsByName(displayName.normalize('NFC').trim());
  const externalId = eqString(terms, 'externalid');
  if (externalId !== undefined) return directory.groups.idsByExternalId(externalId.normalize('NFC').trim());
  return undefined;
}

/** The resource a filter is matched against: no members, but the checked ones it holds. */
function filterView(group: GroupRecord, baseUrl: string): Json {
  const resource = toGroupResource(group, baseUrl);
  if (group.matched) resource.members = group.matched.map((value) => ({ value, type: 'User' }));
  return resource;
}

export async function listScimGroups(
  directory: Directory,
  baseUrl: string,
  params: ListParams,
  withMembers: boolean,
): Promise<ListResult> {
  const { startIndex, count, offset } = pageWindow(params);
  const filter = params.filter === undefined ? undefined : parseFilter(params.filter);
  const check = filter ? [...memberValues(filter, new Set())].filter(isUuid) : [];
  const shown = async (ids: string[]) =>
    withMembers && ids.length > 0
      ? (await directory.groups.read(ids, { memberCap: MAX_MEMBERS_SHOWN })).map((g) => toGroupResource(g, baseUrl))
      : [];

  if (!filter && !params.sortBy) {
    const page = await directory.groups.page(offset, count);
    const resources = withMembers
      ? await shown(page.ids)
      : (await directory.groups.read(page.ids)).map((g) => toGroupResource(g, baseUrl));
    return { totalResults: page.total, startIndex, resources };
  }

  // Candidates: from an index, or every group's head in creation order.
  let candidates: GroupRecord[] = [];
  const indexed = filter ? await indexedIds(directory, filter) : undefined;
  if (indexed !== undefined) {
    candidates = (await directory.groups.read(indexed, { check })).sort((a, b) => a.seq - b.seq);
  } else {
    for (let at = 0; ; at += SCAN_BATCH) {
      const page = await directory.groups.page(at, SCAN_BATCH);
      candidates.push(...(await directory.groups.read(page.ids, { check })));
      if (page.ids.length < SCAN_BATCH) break;
    }
  }
  let matches = candidates
    .map((group) => ({ group, view: filterView(group, baseUrl) }))
    .filter((entry) => !filter || matchesFilter(filter, entry.view));
  if (params.sortBy)
    matches = sortResources(
      matches,
      params.sortBy,
      params.sortOrder?.toLowerCase() === 'descending',
      (e) => e.view,
      (e) => e.group.seq,
    );
  const page = matches.slice(offset, offset + count);
  const resources = withMembers
    ? await shown(page.map((m) => m.group.id))
    : page.map((m) => toGroupResource(m.group, baseUrl));
  return { totalResults: matches.length, startIndex, resources };
}
