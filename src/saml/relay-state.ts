// Where a browser may be sent after signing in: a path on this site, nothing else. "//host" and
// "/\host" are other sites to a browser, which also drops tabs and newlines before parsing.

const MAX_LENGTH = 2048;
const UNSAFE = /[\s\\\p{Cc}]/u;

export function safeRelayPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_LENGTH) return '/';
  if (!value.startsWith('/') || value[1] === '/' || UNSAFE.test(value)) return '/';
  return value;
}
