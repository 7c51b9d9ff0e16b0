import { ScimError } from './scim-error.js';
import { checkAttributeList, checkAttributePath } from './attribute-path.js';
import type { ListParams } from './user-query.js';
import type { Projection } from './shape.js';

// The query (or .search body) parameters of /Groups, checked before any parser sees them, the
// same way /Users checks its own; and which of them ask for members at all.

type Json = Record<string, unknown>;

const MAX_INTEGER = 1_000_000_000;

const integer = (value: unknown, name: string): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^[+-]?\d{1,10}$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isInteger(n) || Math.abs(n) > MAX_INTEGER)
    throw new ScimError(400, `${name} must be an integer between -${MAX_INTEGER} and ${MAX_INTEGER}.`, 'invalidValue');
  return n;
};

const text = (value: unknown, name: string): string | undefined => {
  if (value === undefined || typeof value === 'string') return value;
  throw new ScimError(400, `${name} must be given once, as text.`, 'invalidValue');
};

const textList = (value: unknown, name: string): string | undefined => {
  if (!Array.isArray(value)) return text(value, name);
  if (!value.every((v) => typeof v === 'string'))
    throw new ScimError(400, `${name} must be a list of attribute names.`, 'invalidValue');
  return value.join(',');
};

export function groupListParams(source: Json): ListParams & Projection {
  const sortBy = text(source.sortBy, 'sortBy');
  if (sortBy !== undefined) checkAttributePath(sortBy, 'sortBy');
  const sortOrder = text(source.sortOrder, 'sortOrder');
  if (sortOrder !== undefined && !['ascending', 'descending'].includes(sortOrder.toLowerCase()))
    throw new ScimError(400, 'sortOrder must be "ascending" or "descending".', 'invalidValue');
  return {
    filter: text(source.filter, 'filter'),
    startIndex: integer(source.startIndex, 'startIndex'),
    count: integer(source.count, 'count'),
    sortBy,
    sortOrder,
    attributes: textList(source.attributes, 'attributes'),
    excludedAttributes: textList(source.excludedAttributes, 'excludedAttributes'),
  };
}

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
