import { lookupPath } from './filter-match.js';

type Json = Record<string, unknown>;

/**
 * sortBy / sortOrder over resources (RFC 7644 §3.4.2.3): by the attribute's first value, text
 * case-insensitively; unassigned values sort last either way; ties keep `order` (creation order).
 */
export function sortResources<T>(
  items: readonly T[],
  sortBy: string,
  descending: boolean,
  view: (item: T) => Json,
  order: (item: T, index: number) => number,
): T[] {
  const key = (item: T) => {
    const v = lookupPath(view(item), sortBy);
    const first = Array.isArray(v) ? v[0] : v;
    return typeof first === 'string' ? first.toLowerCase() : first;
  };
  return items
    .map((item, i) => ({ item, o: order(item, i), k: key(item) as string | number | undefined }))
    .sort((a, b) => {
      if (a.k === undefined || b.k === undefined) return a.k === b.k ? a.o - b.o : a.k === undefined ? 1 : -1;
      const byKey = a.k < b.k ? -1 : a.k > b.k ? 1 : a.o - b.o;
      return descending && a.k !== b.k ? -byKey : byKey;
    })
    .map((x) => x.item);
}
