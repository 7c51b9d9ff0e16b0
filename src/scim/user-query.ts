import SCIMMY from 'scimmy';
import type { Directory, UserRecord } from '../directory/index.js';
import { ScimError } from './scim-error.js';
import { matchesFilter, lookupPath, type ParsedFilter } from './filter-match.js';
import { toScimResource, managedByScim } from './user-resource.js';
import { MAX_RESULTS } from './scim-schema.js';
import { checkFilterSyntax } from './filter-syntax.js';

// GET /Users and POST /Users/.search, over the users SCIM manages only (SSO users, DESIGN.md
// rule 8): a password user is in no answer and no total. Equality on userName, externalId, id
// or email, alone or with more conditions, is answered from an index; `active eq` alone pages
// the SSO-by-status bitmap; no filter pages the SSO bitmap by offset in O(log n). Any other
// valid filter scans the SSO users, in creation order.

type Json = Record<string, unknown>;

export interface ListParams {
  filter?: string;
  startIndex?: number;
  count?: number;
  sortBy?: string;
  sortOrder?: string;
}

export interface ListResult {
  totalResults: number;
  startIndex: number;
  resources: Json[];
}

const SCAN_BATCH = 1000;

function parseFilter(filter: string): ParsedFilter {
  checkFilterSyntax(filter);
  try {
    return [...new SCIMMY.Types.Filter(filter)] as ParsedFilter;
  } catch (error) {
    throw new ScimError(400, `Invalid filter: ${(error as Error).message}`, 'invalidFilter');
  }
}

const eqValue = (condition: unknown): string | undefined => {
  const expressions = Array.isArray(condition) && condition.every(Array.isArray) ? (condition as unknown[][]) : [condition as unknown[]];
  const eq = expressions.find((e) => Array.isArray(e) && String(e[0]).toLowerCase() === 'eq' && typeof e[1] === 'string');
  return eq?.[1] as string | undefined;
};

const field = (branch: Json, name: string) => Object.entries(branch).find(([k]) => k.toLowerCase() === name)?.[1];

/** The one user an indexed equality in a single-branch filter points at, if the filter has one. */
async function indexedCandidate(directory: Directory, filter: ParsedFilter): Promise<UserRecord | null | undefined> {
  if (filter.length !== 1) return undefined;
  const branch = filter[0]!;
  const userName = eqValue(field(branch, 'username'));
  if (userName !== undefined) return directory.findUserByUserName(userName);
  const id = eqValue(field(branch, 'id'));
  if (id !== undefined) return directory.getUser(id);
  const externalId = eqValue(field(branch, 'externalid'));
  if (externalId !== undefined) return directory.findUserByExternalId(externalId);
  const emails = field(branch, 'emails');
  const email = emails && typeof emails === 'object' && !Array.isArray(emails) ? eqValue(field(emails as Json, 'value')) : undefined;
  if (email !== undefined) return directory.findUserByEmail(email);
  return undefined;
}

function activeOnly(filter: ParsedFilter): boolean | undefined {
  if (filter.length !== 1 || Object.keys(filter[0]!).length !== 1) return undefined;
  const value = field(filter[0]!, 'active');
  const expression = Array.isArray(value) && !value.every(Array.isArray) ? (value as unknown[]) : undefined;
  if (!expression || String(expression[0]).toLowerCase() !== 'eq') return undefined;
  const wanted = String(expression[1]).toLowerCase();
  return wanted === 'true' ? true : wanted === 'false' ? false : undefined;
}

function sortResources(resources: Json[], sortBy: string, descending: boolean): Json[] {
  const key = (r: Json) => {
    const v = lookupPath(r, sortBy);
    const first = Array.isArray(v) ? v[0] : v;
    return typeof first === 'string' ? first.toLowerCase() : first;
  };
  // Unassigned values sort last either way (RFC 7644 §3.4.2.3); ties keep creation order.
  return resources
    .map((resource, i) => ({ resource, i, k: key(resource) }))
    .sort((a, b) => {
      if (a.k === undefined || b.k === undefined) return a.k === b.k ? a.i - b.i : a.k === undefined ? 1 : -1;
      const order = a.k! < b.k! ? -1 : a.k! > b.k! ? 1 : a.i - b.i;
      return descending && a.k !== b.k ? -order : order;
    })
    .map((x) => x.resource);
}

// What IdPs send on nearly every request: answered from the index without parsing.
const USERNAME_EQ = /^\s*userName\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i;

export async function listUsers(directory: Directory, baseUrl: string, params: ListParams): Promise<ListResult> {
  const startIndex = Math.max(1, Math.trunc(params.startIndex ?? 1) || 1);
  const count = Math.min(MAX_RESULTS, Math.max(0, Math.trunc(params.count ?? MAX_RESULTS)));
  const offset = startIndex - 1;
  const byUserName = params.filter !== undefined && !params.sortBy ? USERNAME_EQ.exec(params.filter) : null;
  if (byUserName) {
    const user = await directory.findUserByUserName(JSON.parse(`"${byUserName[1]}"`) as string);
    const resources = user && managedByScim(user) ? [toScimResource(user, baseUrl)] : [];
    return { totalResults: resources.length, startIndex, resources: resources.slice(offset, offset + count) };
  }
  const filter = params.filter === undefined ? undefined : parseFilter(params.filter);
  const present = (users: UserRecord[]) => users.map((u) => toScimResource(u, baseUrl));

  if (!params.sortBy) {
    if (!filter) {
      const page = await directory.pageUsers({ offset, count, kind: 'sso' });
      return { totalResults: page.total, startIndex, resources: present(page.users) };
    }
    const active = activeOnly(filter);
    if (active !== undefined) {
      const page = await directory.pageUsers({ offset, count, status: active ? 'active' : 'inactive', kind: 'sso' });
      return { totalResults: page.total, startIndex, resources: present(page.users) };
    }
    const candidate = await indexedCandidate(directory, filter);
    if (candidate !== undefined) {
      const matches = candidate && managedByScim(candidate) ? present([candidate]).filter((r) => matchesFilter(filter, r)) : [];
      return { totalResults: matches.length, startIndex, resources: matches.slice(offset, offset + count) };
    }
  }

  // The general case: every SSO user, in creation order, through the filter.
  let matches: Json[] = [];
  for (let at = 0; ; at += SCAN_BATCH) {
    const page = await directory.pageUsers({ offset: at, count: SCAN_BATCH, kind: 'sso' });
    const resources = present(page.users);
    matches.push(...(filter ? resources.filter((r) => matchesFilter(filter, r)) : resources));
    if (page.users.length < SCAN_BATCH) break;
  }
  if (params.sortBy) matches = sortResources(matches, params.sortBy, params.sortOrder?.toLowerCase() === 'descending');
  return { totalResults: matches.length, startIndex, resources: matches.slice(offset, offset + count) };
}
