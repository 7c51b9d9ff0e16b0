import type { Directory, ScimReadUser, UserRecord } from '../directory/index.js';
import { matchesFilter, type ParsedFilter } from './filter-match.js';
import { sortResources } from './sort.js';
import { pageWindow } from './page-window.js';
import { toScimResource, managedByScim } from './user-resource.js';
import { ENTERPRISE_USER } from './scim-schema.js';
import { parseFilter, type FilterNode, type Literal } from './filter-syntax.js';

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

/**
 * A page of /Users: `users` where the page is exactly those users (the hot paths, rendered from
 * their stored JSON), else `resources`, already built and filtered.
 */
export type UserListResult = { totalResults: number; startIndex: number } & (
  { users: ScimReadUser[]; resources?: undefined } | { users?: undefined; resources: Json[] }
);

/** The page's resources as objects (for a projection, or after a filter). */
export const resourcesOf = (result: UserListResult, baseUrl: string): Json[] =>
  result.resources ?? result.users.map((u) => toScimResource(u.user, baseUrl));

const SCAN_BATCH = 1000;

/** The conditions a filter requires all of: its top-level and-terms (or the one term). */
const conjuncts = (filter: FilterNode): FilterNode[] => (filter.kind === 'and' ? filter.items : [filter]);

/** The value of an `<name> eq <value>` among the terms, for an unprefixed (or core) attribute name. */
function eqValue(terms: FilterNode[], name: string): Literal | undefined {
  const term = terms.find(
    (t) =>
      t.kind === 'compare' &&
      t.op === 'eq' &&
      t.path.schema !== ENTERPRISE_USER &&
      t.path.sub === undefined &&
      t.path.name?.toLowerCase() === name,
  );
  return term?.kind === 'compare' ? term.value : undefined;
}

const eqString = (terms: FilterNode[], name: string) => {
  const value = eqValue(terms, name);
  return typeof value === 'string' ? value : undefined;
};

/** `emails.value eq "x"` and `emails[... and value eq "x"]` both parse to an emails value path. */
function emailEq(terms: FilterNode[]): string | undefined {
  for (const term of terms) {
    if (term.kind !== 'valuePath' || term.path.schema === ENTERPRISE_USER || term.path.name?.toLowerCase() !== 'emails')
      continue;
    const value = eqString(conjuncts(term.filter), 'value');
    if (value !== undefined) return value;
  }
  return undefined;
}

// The most users one indexed equality may answer before the filter runs over them (an
// externalId or an address shared by more than this is answered by the scan instead).
const MAX_CANDIDATES = 1000;

const one = (user: UserRecord | null) => (user ? [user] : []);

/**
 * The users an indexed equality among the filter's and-terms points at (unique indexes: one at
 * most; externalId and `emails.value`: every holder), or undefined when it has none to use.
 */
async function indexedCandidates(directory: Directory, filter: ParsedFilter): Promise<UserRecord[] | undefined> {
  const terms = conjuncts(filter);
  const userName = eqString(terms, 'username');
  if (userName !== undefined) return one(await directory.findUserByUserName(userName));
  const id = eqString(terms, 'id');
  if (id !== undefined) return one(await directory.getUser(id));
  const many = async (found: Promise<{ users: UserRecord[]; total: number }>) => {
    const { users, total } = await found;
    return total > users.length ? undefined : users;
  };
  const externalId = eqString(terms, 'externalid');
  if (externalId !== undefined) return many(directory.findUsersByExternalId(externalId, MAX_CANDIDATES));
  const email = emailEq(terms);
  if (email !== undefined) return many(directory.findUsersByEmailValue(email, MAX_CANDIDATES));
  return undefined;
}

function activeOnly(filter: ParsedFilter): boolean | undefined {
  if (filter.kind !== 'compare') return undefined;
  const wanted = String(eqValue([filter], 'active')).toLowerCase();
  return wanted === 'true' ? true : wanted === 'false' ? false : undefined;
}

/** The userName of a filter that is exactly `userName eq "…"`: what IdPs send on nearly every request. */
const userNameOnly = (filter: ParsedFilter): string | undefined =>
  filter.kind === 'compare' ? eqString([filter], 'username') : undefined;

/**
 * `records`: the page's users will be decoded into records (resourcesOf, for a projection);
 * without it a page reads only what its stored render needs.
 */
export async function listScimUsers(
  directory: Directory,
  baseUrl: string,
  params: ListParams,
  { records = false }: { records?: boolean } = {},
): Promise<UserListResult> {
  const { startIndex, count, offset } = pageWindow(params);
  const filter = params.filter === undefined ? undefined : parseFilter(params.filter);
  const byUserName = filter && !params.sortBy ? userNameOnly(filter) : undefined;
  if (byUserName !== undefined) {
    const found = await directory.scimReadByUserName(byUserName);
    const users = found.users.filter((u) => managedByScim(u.user));
    return { totalResults: users.length, startIndex, users: users.slice(offset, offset + count) };
  }
  const present = (users: UserRecord[]) => users.map((u) => toScimResource(u, baseUrl));

  if (!params.sortBy) {
    if (!filter) {
      const page = await directory.scimReadPage({ offset, count, records });
      return { totalResults: page.total, startIndex, users: page.users };
    }
    const active = activeOnly(filter);
    if (active !== undefined) {
      const status = active ? 'active' : 'inactive';
      const page = await directory.scimReadPage({ offset, count, status, records });
      return { totalResults: page.total, startIndex, users: page.users };
    }
    const candidates = await indexedCandidates(directory, filter);
    if (candidates !== undefined) {
      const matches = present(candidates.filter(managedByScim)).filter((r) => matchesFilter(filter, r));
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
  if (params.sortBy)
    matches = sortResources(
      matches,
      params.sortBy,
      params.sortOrder?.toLowerCase() === 'descending',
      (r) => r,
      (_r, i) => i,
    );
  return { totalResults: matches.length, startIndex, resources: matches.slice(offset, offset + count) };
}
