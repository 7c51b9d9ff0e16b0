import { ScimError } from './scim-error.js';
import { checkAttributePath } from './attribute-path.js';
import type { ListParams } from './user-query.js';
import type { Projection } from './shape.js';

// The list parameters of /Users and /Groups (a query, or a POST .search body), checked before any parser sees them.

type Json = Record<string, unknown>;

// startIndex and count beyond this are no page anyone can ask for (Redis refuses 1e300 as a range).
const MAX_INTEGER = 1_000_000_000;

/**
 * startIndex or count: an integer of at most MAX_INTEGER either way, else 400 invalidValue. Values
 * below 1 (startIndex) or 0 (count) are interpreted by listScimUsers, as RFC 7644 §3.4.2.4 says.
 */
const integer = (value: unknown, name: string): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^[+-]?\d{1,10}$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isInteger(n) || Math.abs(n) > MAX_INTEGER) {
    throw new ScimError(400, `${name} must be an integer between -${MAX_INTEGER} and ${MAX_INTEGER}.`, 'invalidValue');
  }
  return n;
};

/** One text parameter: given twice in a query (an array) or not text in a body is a 400. */
const text = (value: unknown, name: string): string | undefined => {
  if (value === undefined || typeof value === 'string') return value;
  throw new ScimError(400, `${name} must be given once, as text.`, 'invalidValue');
};

/** attributes and excludedAttributes: comma-separated text, or (in a body, or repeated in a query) a list of it. */
const textList = (value: unknown, name: string): string | undefined => {
  if (!Array.isArray(value)) return text(value, name);
  if (!value.every((v) => typeof v === 'string'))
    throw new ScimError(400, `${name} must be a list of attribute names.`, 'invalidValue');
  return value.join(',');
};

const sortOrder = (value: unknown): string | undefined => {
  const order = text(value, 'sortOrder');
  if (order === undefined || ['ascending', 'descending'].includes(order.toLowerCase())) return order;
  throw new ScimError(400, 'sortOrder must be "ascending" or "descending".', 'invalidValue');
};

/** The list parameters of a GET (query) or a POST .search (body). */
export const listParams = (source: Json): ListParams & Projection => {
  const sortBy = text(source.sortBy, 'sortBy');
  if (sortBy !== undefined) checkAttributePath(sortBy, 'sortBy');
  return {
    filter: text(source.filter, 'filter'),
    startIndex: integer(source.startIndex, 'startIndex'),
    count: integer(source.count, 'count'),
    sortBy,
    sortOrder: sortOrder(source.sortOrder),
    attributes: textList(source.attributes, 'attributes'),
    excludedAttributes: textList(source.excludedAttributes, 'excludedAttributes'),
  };
};
