import { ScimError } from './scim-error.js';
import { CORE_USER, ENTERPRISE_USER } from './scim-schema.js';

// The one grammar for SCIM attribute names that user input must pass before it becomes an object
// key anywhere (scimmy's filter parser wrote `__proto__.x` onto Object.prototype): RFC 7644 §3.10
// attrPath = [schema URN ":"] ATTRNAME ["." ATTRNAME], ATTRNAME = ALPHA *("-" / "_" / DIGIT / ALPHA)
// or "$ref", where the URN is one this service registers. Short by construction, so nothing
// downstream (scimmy's path splitting is quadratic) ever sees a long one.

export const MAX_PATH_LENGTH = 256;
/** The most attribute names one attributes or excludedAttributes list may hold. */
export const MAX_PATHS = 100;
/** The schemas scimmy is given in scim-schema.ts: attribute paths may be prefixed by these only. */
export const SCHEMA_URNS: readonly string[] = [CORE_USER, ENTERPRISE_USER];

// \w without the u flag is ASCII [A-Za-z0-9_]: exactly nameChar minus "-".
const ATTRNAME = /^(?:[A-Za-z][\w-]*|\$ref)$/;
// Names that reach or shadow Object.prototype when used as keys: never attribute names.
const FORBIDDEN = new Set(
  ['__proto__', 'constructor', 'prototype', ...Object.getOwnPropertyNames(Object.prototype)].map((n) =>
    n.toLowerCase(),
  ),
);

/** True for keys that must never be used on a plain object built from input (case-insensitive). */
export const isForbiddenKey = (key: string): boolean => FORBIDDEN.has(key.toLowerCase());

export const isAttributeName = (name: string): boolean => ATTRNAME.test(name) && !isForbiddenKey(name);

export interface AttributePath {
  /** The registered schema URN it was prefixed with, as registered. */
  schema?: string;
  /** Absent only for a bare schema URN (allowed with `bareSchema`). */
  name?: string;
  sub?: string;
}

/** The parsed path, or undefined when the text is not an attribute path of this service. */
export function parseAttributePath(text: string, options: { bareSchema?: boolean } = {}): AttributePath | undefined {
  if (text.length === 0 || text.length > MAX_PATH_LENGTH) return undefined;
  let rest = text;
  let schema: string | undefined;
  if (text.slice(0, 4).toLowerCase() === 'urn:') {
    const lower = text.toLowerCase();
    schema = SCHEMA_URNS.find(
      (urn) => lower.startsWith(urn.toLowerCase()) && (lower.length === urn.length || lower[urn.length] === ':'),
    );
    if (schema === undefined) return undefined;
    if (text.length === schema.length) return options.bareSchema ? { schema } : undefined;
    rest = text.slice(schema.length + 1);
  }
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every(isAttributeName)) return undefined;
  return { schema, name: parts[0], sub: parts[1] };
}

const shown = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

export const notAPath = (text: string, place: string) =>
  new ScimError(
    400,
    `${place}: ${shown(text)} is not an attribute path (an attribute name, optionally after a schema URN of this service and with one sub-attribute, at most ${MAX_PATH_LENGTH} characters).`,
    'invalidPath',
  );

/** Throws 400 invalidPath unless `text` is an attribute path; `place` names the parameter. */
export function checkAttributePath(text: string, place: string): AttributePath {
  const path = parseAttributePath(text);
  if (!path) throw notAPath(text, place);
  return path;
}

/** The names of a comma-separated attributes/excludedAttributes list, each checked. */
export function checkAttributeList(list: string, place: string): string[] {
  if (list.length > MAX_PATHS * (MAX_PATH_LENGTH + 1)) {
    throw new ScimError(400, `${place} is too long: at most ${MAX_PATHS} attribute names.`, 'invalidValue');
  }
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0)
    throw new ScimError(400, 'attributes and excludedAttributes take a comma-separated list.', 'invalidValue');
  if (names.length > MAX_PATHS)
    throw new ScimError(400, `${place} names more than ${MAX_PATHS} attributes.`, 'invalidValue');
  for (const name of names) if (!parseAttributePath(name, { bareSchema: true })) throw notAPath(name, place);
  return names;
}
