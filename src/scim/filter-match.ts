// Evaluates a filter parsed by scimmy (an OR-list of AND-objects) against a SCIM resource, the
// way RFC 7643 says: strings compare case-insensitively unless the attribute is caseExact
// (id, externalId); dates compare as dates; "True"/"False" compare as booleans.

type Json = Record<string, unknown>;
type Expression = unknown[];
export type ParsedFilter = Json[];

const CASE_EXACT = new Set(['id', 'externalid']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function lookup(resource: Json, attribute: string): unknown {
  // URN-prefixed: urn:...:User:department lives under resource["urn:...:User"].department.
  if (attribute.toLowerCase().startsWith('urn:')) {
    const at = attribute.lastIndexOf(':');
    const extension = lookup(resource, attribute.slice(0, at));
    if (extension === undefined && isObject(resource)) {
      const key = Object.keys(resource).find((k) => k.toLowerCase() === attribute.toLowerCase());
      return key === undefined ? undefined : resource[key];
    }
    return isObject(extension) ? lookup(extension, attribute.slice(at + 1)) : undefined;
  }
  const key = Object.keys(resource).find((k) => k.toLowerCase() === attribute.toLowerCase());
  return key === undefined ? undefined : resource[key];
}

/** A dotted attribute path (name.familyName, meta.created, or URN-prefixed) of a resource. */
export function lookupPath(resource: Json, path: string): unknown {
  if (path.toLowerCase().startsWith('urn:')) return lookup(resource, path);
  return path.split('.').reduce<unknown>((value, part) => (isObject(value) ? lookup(value, part) : undefined), resource);
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

function compare(actual: unknown, operator: string, expected: unknown, caseExact: boolean): boolean {
  if (operator === 'pr') return present(actual);
  if (actual === undefined || actual === null) return operator === 'ne' ? expected !== null : false;
  if (typeof actual === 'boolean' && typeof expected === 'string') expected = expected.toLowerCase() === 'true' ? true : expected.toLowerCase() === 'false' ? false : expected;
  if (typeof actual === 'string' && typeof expected === 'string') {
    if (ISO_DATE.test(actual) && ISO_DATE.test(expected) && ['gt', 'ge', 'lt', 'le', 'eq', 'ne'].includes(operator)) {
      const [a, b] = [Date.parse(actual), Date.parse(expected)];
      return { gt: a > b, ge: a >= b, lt: a < b, le: a <= b, eq: a === b, ne: a !== b }[operator] as boolean;
    }
    const [a, b] = caseExact ? [actual, expected] : [actual.toLowerCase(), expected.toLowerCase()];
    switch (operator) {
      case 'eq': return a === b;
      case 'ne': return a !== b;
      case 'co': return a.includes(b);
      case 'sw': return a.startsWith(b);
      case 'ew': return a.endsWith(b);
      case 'gt': return a > b;
      case 'ge': return a >= b;
      case 'lt': return a < b;
      case 'le': return a <= b;
      default: return false;
    }
  }
  switch (operator) {
    case 'eq': return actual === expected;
    case 'ne': return actual !== expected;
    case 'gt': return typeof actual === typeof expected && (actual as number) > (expected as number);
    case 'ge': return typeof actual === typeof expected && (actual as number) >= (expected as number);
    case 'lt': return typeof actual === typeof expected && (actual as number) < (expected as number);
    case 'le': return typeof actual === typeof expected && (actual as number) <= (expected as number);
    default: return false;
  }
}

function evaluate(expression: Expression, actual: unknown, caseExact: boolean): boolean {
  const negate = String(expression[0]).toLowerCase() === 'not';
  const [operator, expected] = (negate ? expression.slice(1) : expression) as [string, unknown];
  const op = operator.toLowerCase();
  // A multi-valued attribute of simple values matches if any value does.
  const result = Array.isArray(actual) && op !== 'pr'
    ? actual.some((v) => compare(v, op, expected, caseExact))
    : compare(actual, op, expected, caseExact);
  return negate ? !result : result;
}

function matchCondition(attribute: string, condition: unknown, resource: Json): boolean {
  const actual = lookup(resource, attribute);
  if (isObject(condition)) {
    // Sub-attributes of a complex or multi-valued complex attribute.
    if (Array.isArray(actual)) return actual.some((item) => isObject(item) && matchBranch(condition, item));
    return matchBranch(condition, isObject(actual) ? actual : {});
  }
  const expressions = (condition as unknown[]).every(Array.isArray) ? (condition as Expression[]) : [condition as Expression];
  const caseExact = CASE_EXACT.has(attribute.toLowerCase());
  return expressions.every((expression) => evaluate(expression, actual, caseExact));
}

function matchBranch(branch: Json, resource: Json): boolean {
  return Object.entries(branch).every(([attribute, condition]) => matchCondition(attribute, condition, resource));
}

export function matchesFilter(filter: ParsedFilter, resource: Json): boolean {
  return filter.some((branch) => matchBranch(branch, resource));
}
