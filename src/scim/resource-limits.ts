import { ScimError } from './scim-error.js';

// Bounds on what an IdP may store in one User: a string of at most 2 KiB, a multi-valued
// attribute of at most 100 values, a whole resource of at most 64 KiB (all in UTF-8 bytes).
// Far above anything Okta or Entra ID send, far below what would let one token fill Redis.
// The walk is iterative: the depth of a resource is bounded by the body parser, not trusted here.

export const MAX_STRING_BYTES = 2 * 1024;
export const MAX_VALUES = 100;
export const MAX_RESOURCE_BYTES = 64 * 1024;

const tooBig = (path: string, what: string) => new ScimError(400, `${path}: ${what}.`, 'invalidValue');

// SCIM names an extension's attribute "urn:…:User:department", a sub-attribute "name.givenName".
const child = (parent: string, key: string) =>
  parent === '' ? key : parent.startsWith('urn:') && !parent.includes('.') ? `${parent}:${key}` : `${parent}.${key}`;

/** Refuses (400 invalidValue naming the attribute) a coerced User resource over the limits; else answers it. */
export function checkResourceLimits<T>(resource: T): T {
  const stack: { value: unknown; path: string }[] = [{ value: resource, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes > MAX_STRING_BYTES)
        throw tooBig(path || 'value', `at most ${MAX_STRING_BYTES} bytes of text (got ${bytes})`);
    } else if (Array.isArray(value)) {
      if (value.length > MAX_VALUES)
        throw tooBig(path || 'value', `at most ${MAX_VALUES} values (got ${value.length})`);
      value.forEach((item, i) => stack.push({ value: item, path: `${path}[${i}]` }));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) stack.push({ value: item, path: child(path, key) });
    }
  }
  const total = Buffer.byteLength(JSON.stringify(resource) ?? '', 'utf8');
  if (total > MAX_RESOURCE_BYTES) throw tooBig('User', `at most ${MAX_RESOURCE_BYTES} bytes in all (got ${total})`);
  return resource;
}
