import { MAX_RESULTS } from './scim-schema.js';

/**
 * startIndex and count as RFC 7644 §3.4.2.4 reads them: a startIndex below 1 is 1, a count below 0
 * is 0, and no page is longer than MAX_RESULTS (the ServiceProviderConfig's filter.maxResults).
 */
export function pageWindow(params: { startIndex?: number; count?: number }) {
  const startIndex = Math.max(1, Math.trunc(params.startIndex ?? 1) || 1);
  const count = Math.min(MAX_RESULTS, Math.max(0, Math.trunc(params.count ?? MAX_RESULTS)));
  return { startIndex, count, offset: startIndex - 1 };
}
