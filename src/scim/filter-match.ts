import { ENTERPRISE_USER } from './scim-schema.js';
import { parseAttributePath, type AttributePath } from './attribute-path.js';
import type { FilterNode, Literal, Operator } from './filter-syntax.js';

// Evaluates a filter tree from filter-syntax.ts against a SCIM resource, the way RFC 7643 says:
// strings compare case-insensitively unless the attribute is caseExact (id, externalId); dates
// compare as dates; "True"/"False" compare as booleans. Reads only own properties, builds no
// objects, and recurses only as deep as the parser allowed (MAX_FILTER_DEPTH).

type Json = Record<string, unknown>;
export type ParsedFilter = FilterNode;

const CASE_EXACT = new Set(['id', 'externalid']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An own property, by case-insensitive name. */
function lookup(resource: unknown, name: string): unknown {
  if (!isObject(resource)) return undefined;
  const lower = name.toLowerCase();
  const key = Object.keys(resource).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : resource[key];
}

/** Where an attribute path's name lives: the resource, or the extension object its URN names. */
const base = (resource: Json, path: AttributePath): unknown =>
  path.schema === ENTERPRISE_USER ? lookup(resource, ENTERPRISE_USER) : resource;

/** A dotted attribute path (name.familyName, meta.created, or URN-prefixed) of a resource. */
export function lookupPath(resource: Json, text: string): unknown {
  const path = parseAttributePath(text, { bareSchema: true });
  if (!path) return undefined;
  const root = base(resource, path);
  if (path.name === undefined) return root;
  const value = lookup(root, path.name);
  return path.sub === undefined ? value : lookup(value, path.sub);
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

function compare(actual: unknown, operator: Operator, expected: Literal | undefined, caseExact: boolean): boolean {
  if (operator === 'pr') return present(actual);
  if (actual === undefined || actual === null) return operator === 'ne' ? expected !== null : false;
  if (typeof actual === 'boolean' && typeof expected === 'string')
    expected = expected.toLowerCase() === 'true' ? true : expected.toLowerCase() === 'false' ? false : expected;
  if (typeof actual === 'string' && typeof expected === 'string') {
    if (ISO_DATE.test(actual) && ISO_DATE.test(expected) && ['gt', 'ge', 'lt', 'le', 'eq', 'ne'].includes(operator)) {
      const [a, b] = [Date.parse(actual), Date.parse(expected)];
      return { gt: a > b, ge: a >= b, lt: a < b, le: a <= b, eq: a === b, ne: a !== b }[operator as 'eq'];
    }
    const [a, b] = caseExact ? [actual, expected] : [actual.toLowerCase(), expected.toLowerCase()];
    switch (operator) {
      case 'eq':
        return a === b;
      case 'ne':
        return a !== b;
      case 'co':
        return a.includes(b);
      case 'sw':
        return a.startsWith(b);
      case 'ew':
        return a.endsWith(b);
      case 'gt':
        return a > b;
      case 'ge':
        return a >= b;
      case 'lt':
        return a < b;
      case 'le':
        return a <= b;
      default:
        return false;
    }
  }
  switch (operator) {
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'gt':
      return typeof actual === typeof expected && (actual as number) > (expected as number);
    case 'ge':
      return typeof actual === typeof expected && (actual as number) >= (expected as number);
    case 'lt':
      return typeof actual === typeof expected && (actual as number) < (expected as number);
    case 'le':
      return typeof actual === typeof expected && (actual as number) <= (expected as number);
    default:
      return false;
  }
}

/** A multi-valued attribute of simple values matches if any value does. */
const compareValue = (actual: unknown, op: Operator, expected: Literal | undefined, caseExact: boolean) =>
  Array.isArray(actual) && op !== 'pr'
    ? actual.some((v) => compare(v, op, expected, caseExact))
    : compare(actual, op, expected, caseExact);

/** Some value of a multi-valued complex attribute, or the complex attribute itself, matches. */
function someValue(actual: unknown, matches: (value: Json) => boolean): boolean {
  if (Array.isArray(actual)) return actual.some((item) => isObject(item) && matches(item));
  return matches(isObject(actual) ? actual : {});
}

function evaluate(node: FilterNode, resource: Json): boolean {
  switch (node.kind) {
    case 'and':
      return node.items.every((item) => evaluate(item, resource));
    case 'or':
      return node.items.some((item) => evaluate(item, resource));
    case 'not':
      return !evaluate(node.item, resource);
    case 'valuePath':
      return someValue(lookup(base(resource, node.path), node.path.name!), (value) => evaluate(node.filter, value));
    case 'compare': {
      const { path, op, value } = node;
      const actual = lookup(base(resource, path), path.name!);
      if (path.sub === undefined) return compareValue(actual, op, value, CASE_EXACT.has(path.name!.toLowerCase()));
      return someValue(actual, (item) => compareValue(lookup(item, path.sub!), op, value, false));
    }
  }
}

export function matchesFilter(filter: ParsedFilter, resource: Json): boolean {
  return evaluate(filter, resource);
}
