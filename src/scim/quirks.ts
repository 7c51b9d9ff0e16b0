import { CORE_USER, ENTERPRISE_USER } from './scim-schema.js';
import { ScimError } from './scim-error.js';
import { isAttributeName, isForbiddenKey, notAPath } from './attribute-path.js';
import { checkPatchPath } from './filter-syntax.js';

// What real IdPs send that RFC 7644 or scimmy would refuse, made standard before scimmy sees it:
// Entra ID's "True"/"False" strings and capitalised ops, manager as a bare id, nulls for absent
// sub-attributes, read-only attributes echoed in POST bodies, and Add/Replace on a filtered
// multi-valued path (emails[type eq "work"].value) that has no such entry yet, and attributes
// fully qualified by their schema URN or wrapped in it (RFC 7644 §3.10), made plain.

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** "True"/"False" (any case) to booleans. */
export function booleanish(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : value;
}

/** No SCIM User nests deeper than a few levels; the body parser caps JSON depth too. */
export const MAX_VALUE_DEPTH = 32;

/**
 * Whether a JSON null is anywhere inside, after refusing what no SCIM value holds: keys such as
 * `__proto__` or `constructor` (scimmy assigns keys onto its targets, which would reach
 * Object.prototype) and nesting past MAX_VALUE_DEPTH. Iterative, so no input overflows the stack;
 * the recursive stripNulls below then only ever walks bounded depth.
 */
function inspect(root: unknown): boolean {
  let hasNull = false;
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value === null) hasNull = true;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_VALUE_DEPTH)
      throw new ScimError(400, `A value nests deeper than ${MAX_VALUE_DEPTH} levels.`, 'invalidValue');
    for (const [key, item] of Object.entries(value)) {
      if (!Array.isArray(value) && isForbiddenKey(key))
        throw new ScimError(400, `"${key}" is not an attribute name.`, 'invalidValue');
      stack.push({ value: item, depth: depth + 1 });
    }
  }
  return hasNull;
}

/** Removes JSON nulls (meaning "absent") from nested objects and arrays; copies only if there are any. */
function withoutNulls(value: unknown): unknown {
  return inspect(value) ? stripNulls(value) : value;
}

function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(stripNulls);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, stripNulls(v)]),
  );
}

const CORE_PREFIX = `${CORE_USER.toLowerCase()}:`;
const ENTERPRISE_PREFIX = `${ENTERPRISE_USER.toLowerCase()}:`;

/** Sets `name` (or `name.sub`) on `target`, replacing an attribute of the same name in any case. */
function place(target: Json, path: string, value: unknown, where: string): void {
  const [name, sub, ...rest] = path.split('.');
  if (rest.length > 0 || !isAttributeName(name!) || (sub !== undefined && !isAttributeName(sub)))
    throw notAPath(path, where);
  const existing = Object.keys(target).find((k) => k.toLowerCase() === name!.toLowerCase());
  if (sub === undefined) {
    if (existing !== undefined) delete target[existing];
    target[name!] = value;
    return;
  }
  const parent = existing !== undefined && isObject(target[existing]) ? { ...(target[existing] as Json) } : {};
  if (existing !== undefined) delete target[existing];
  place(parent, sub, value, where);
  target[name!] = parent;
}

/**
 * Core attributes wrapped in the core schema URN (`{"urn:…:core:2.0:User": {"userName": …}}`) or
 * qualified by it (`"urn:…:core:2.0:User:userName"`), and enterprise attributes qualified by
 * theirs (`"urn:…:enterprise:2.0:User:department"`), as plain attributes. Copies only if any.
 */
export function unqualified(body: Json): Json {
  const qualified = Object.keys(body).filter((key) => {
    const lower = key.toLowerCase();
    return lower === CORE_USER.toLowerCase() || lower.startsWith(CORE_PREFIX) || lower.startsWith(ENTERPRISE_PREFIX);
  });
  if (qualified.length === 0) return body;
  const out: Json = { ...body };
  for (const key of qualified) {
    const value = out[key];
    delete out[key];
    const lower = key.toLowerCase();
    if (lower === CORE_USER.toLowerCase()) {
      if (!isObject(value))
        throw new ScimError(400, `"${CORE_USER}" wraps the core attributes: it must be an object.`, 'invalidValue');
      for (const [name, item] of Object.entries(value)) place(out, name, item, key);
    } else if (lower.startsWith(CORE_PREFIX)) {
      place(out, key.slice(CORE_PREFIX.length), value, key);
    } else {
      const enterpriseKey = Object.keys(out).find((k) => k.toLowerCase() === ENTERPRISE_USER.toLowerCase());
      const enterprise =
        enterpriseKey !== undefined && isObject(out[enterpriseKey]) ? { ...(out[enterpriseKey] as Json) } : {};
      if (enterpriseKey !== undefined) delete out[enterpriseKey];
      place(enterprise, key.slice(ENTERPRISE_PREFIX.length), value, key);
      out[ENTERPRISE_USER] = enterprise;
    }
  }
  return out;
}

const managerOf = (value: unknown) => (typeof value === 'string' ? (value ? { value } : undefined) : value);

/** A User body of POST or PUT, as IdPs send it, made fit for scimmy. */
export function normalizeUserBody(body: unknown): Json {
  const clean = { ...unqualified(withoutNulls(isObject(body) ? body : {}) as Json) };
  // Read-only or ignored attributes: the server decides id and meta, groups come from Groups,
  // and a password is never stored for an SSO user.
  for (const key of Object.keys(clean)) {
    if (['id', 'meta', 'groups', 'password'].includes(key.toLowerCase())) delete clean[key];
  }
  if ('active' in clean) clean.active = booleanish(clean.active);
  if (Array.isArray(clean.roles) && clean.roles.length === 0) delete clean.roles;
  const enterprise = clean[ENTERPRISE_USER];
  if (isObject(enterprise) && 'manager' in enterprise) {
    const manager = managerOf(enterprise.manager);
    if (manager === undefined) delete enterprise.manager;
    else enterprise.manager = manager;
  }
  return clean;
}

export interface PatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

const FILTERED_PATH = /^([\w:.-]+)\[\s*type\s+eq\s+"([^"]*)"\s*\]\.(\w+)$/i;
const MANAGER_PATH = `${ENTERPRISE_USER}:manager`.toLowerCase();

/**
 * PATCH operations made standard against the current resource. An empty list stays empty
 * (the caller answers with the unchanged resource).
 */
export function normalizePatchOperations(operations: unknown, current: Json): PatchOperation[] {
  if (!Array.isArray(operations)) return operations as PatchOperation[];
  return operations.map((raw) => {
    if (!isObject(raw))
      throw new ScimError(400, 'Each PATCH operation is an object with op, and path or value.', 'invalidValue');
    const op = typeof raw.op === 'string' ? raw.op.toLowerCase() : (raw.op as string);
    // A path qualified by the core schema URN is the plain path (scimmy knows only the latter).
    const rawPath = raw.path as string | undefined;
    const path =
      typeof rawPath === 'string' && rawPath.toLowerCase().startsWith(CORE_PREFIX)
        ? rawPath.slice(CORE_PREFIX.length)
        : rawPath;
    // scimmy splits and resolves paths with regexes that are quadratic or backtrack: bounded
    // and checked here first. A path-less value's keys are paths too (scimmy adds each one).
    if (typeof path === 'string') checkPatchPath(path);
    let value = withoutNulls(raw.value);
    if (path === undefined && isObject(value)) for (const key of Object.keys(value)) checkPatchPath(key);
    if (path === undefined && isObject(value)) value = unqualified(value);

    if (typeof path === 'string' && path.toLowerCase() === 'active') value = booleanish(value);
    if (path === undefined && isObject(value)) {
      value = Object.fromEntries(
        Object.entries(value).map(([k, v]) => {
          if (k.toLowerCase() === 'active') return [k, booleanish(v)];
          if (k.toLowerCase() === MANAGER_PATH) return [k, managerOf(v)];
          return [k, v];
        }),
      );
      const enterprise = (value as Json)[ENTERPRISE_USER];
      if (isObject(enterprise) && 'manager' in enterprise) enterprise.manager = managerOf(enterprise.manager);
    }
    if (typeof path === 'string' && path.toLowerCase() === MANAGER_PATH) value = managerOf(value);

    // Add/Replace on `attr[type eq "x"].sub` with no such entry yet: add the entry.
    const filtered = typeof path === 'string' ? FILTERED_PATH.exec(path) : null;
    if (filtered && (op === 'add' || op === 'replace')) {
      const [, attribute, type, sub] = filtered;
      const key = Object.keys(current).find((k) => k.toLowerCase() === attribute!.toLowerCase()) ?? attribute!;
      const entries = Array.isArray(current[key]) ? (current[key] as Json[]) : [];
      const exists = entries.some((entry) => String(entry.type ?? '').toLowerCase() === type!.toLowerCase());
      if (!exists) {
        const entry: Json = { type, [sub!]: value };
        if (entries.length === 0 && ['emails', 'phonenumbers', 'addresses'].includes(key.toLowerCase()))
          entry.primary = true;
        return { op: 'add', path: key, value: [entry] };
      }
    }
    return value === undefined ? { op, path } : { op, path, value };
  });
}
