import { CORE_USER, ENTERPRISE_USER } from './scim-schema.js';

// The fast path of a User body, for the shapes IdPs really send (Okta, Entra ID, OneLogin,
// Google): the plain attributes below with their exact names and types. It gives what scimmy's
// coerce gives (the same attributes and values, in scimmy's order), at a fraction of the cost,
// or undefined for anything it does not recognise, which then goes to scimmy: scimmy stays the
// judge. test/scim/fast-path-differential.spec.ts runs both over thousands of bodies.

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const hasOwn = (object: Json, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/** Top-level string attributes, in scimmy's order (the core schema's) around the complex ones. */
const BEFORE_NAME = ['externalId', 'userName'] as const;
const AFTER_NAME = ['displayName', 'nickName', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone'] as const;
const KNOWN = new Set<string>([
  'schemas',
  ...BEFORE_NAME,
  'name',
  ...AFTER_NAME,
  'active',
  'emails',
  'phoneNumbers',
  ENTERPRISE_USER,
]);
const NAME_PARTS = new Set([
  'formatted',
  'familyName',
  'givenName',
  'middleName',
  'honorificPrefix',
  'honorificSuffix',
]);
const EMAIL_TYPES = new Set(['work', 'home', 'other']);
const PHONE_TYPES = new Set(['work', 'home', 'mobile', 'fax', 'pager', 'other']);
/** The enterprise extension's string attributes, in its schema's order (scimmy writes them so). */
const ENTERPRISE_PARTS = ['employeeNumber', 'costCenter', 'organization', 'division', 'department'] as const;

/** An object whose own keys are all in `allowed` and whose values are strings; answers a copy in the same order. */
function stringParts(value: unknown, allowed: ReadonlySet<string>): Json | undefined {
  if (!isObject(value)) return undefined;
  const copy: Json = {};
  for (const key of Object.keys(value)) {
    if (!allowed.has(key) || typeof value[key] !== 'string') return undefined;
    copy[key] = value[key];
  }
  return copy;
}

/** emails or phoneNumbers: an array of {value, type, primary, display} with a canonical type; a copy. */
function multiValued(value: unknown, types: ReadonlySet<string>): Json[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items: Json[] = [];
  for (const item of value) {
    if (!isObject(item)) return undefined;
    const copy: Json = {};
    for (const key of Object.keys(item)) {
      const v = item[key];
      if (key === 'value' || key === 'display') {
        if (typeof v !== 'string') return undefined;
      } else if (key === 'type') {
        if (typeof v !== 'string' || !types.has(v)) return undefined;
      } else if (key === 'primary') {
        if (typeof v !== 'boolean') return undefined;
      } else return undefined;
      copy[key] = v;
    }
    items.push(copy);
  }
  return items;
}

function enterpriseOf(value: unknown): Json | undefined {
  if (!isObject(value)) return undefined;
  const allowed = new Set<string>(ENTERPRISE_PARTS);
  for (const key of Object.keys(value)) if (!allowed.has(key) || typeof value[key] !== 'string') return undefined;
  const copy: Json = {};
  for (const key of ENTERPRISE_PARTS) if (hasOwn(value, key)) copy[key] = value[key];
  // scimmy drops an empty extension: left to it.
  return Object.keys(copy).length > 0 ? copy : undefined;
}

/**
 * The body (after normalizeUserBody) as scimmy's coerce(…, 'in') would answer it, or undefined
 * when it is not one of the recognised shapes (then scimmy decides, and refuses what it refuses).
 */
export function fastCoerceUser(body: Json): Json | undefined {
  for (const key of Object.keys(body)) if (!KNOWN.has(key)) return undefined;
  const enterprise = hasOwn(body, ENTERPRISE_USER) ? enterpriseOf(body[ENTERPRISE_USER]) : undefined;
  if (hasOwn(body, ENTERPRISE_USER) && !enterprise) return undefined;
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || schemas[0] !== CORE_USER) return undefined;
  if (schemas.length === 2 ? schemas[1] !== ENTERPRISE_USER : schemas.length !== 1 || enterprise) return undefined;
  if (typeof body.userName !== 'string') return undefined;

  const out: Json = { schemas: [...schemas] };
  if (hasOwn(body, 'externalId')) {
    if (typeof body.externalId !== 'string') return undefined;
    out.externalId = body.externalId;
  }
  out.meta = { resourceType: 'User' };
  out.userName = body.userName;
  if (hasOwn(body, 'name')) {
    const name = stringParts(body.name, NAME_PARTS);
    if (!name) return undefined;
    out.name = name;
  }
  for (const key of AFTER_NAME) {
    if (!hasOwn(body, key)) continue;
    if (typeof body[key] !== 'string') return undefined;
    out[key] = body[key];
  }
  if (hasOwn(body, 'active')) {
    if (typeof body.active !== 'boolean') return undefined;
    out.active = body.active;
  }
  if (hasOwn(body, 'emails')) {
    const emails = multiValued(body.emails, EMAIL_TYPES);
    if (!emails) return undefined;
    out.emails = emails;
  }
  if (hasOwn(body, 'phoneNumbers')) {
    const phones = multiValued(body.phoneNumbers, PHONE_TYPES);
    if (!phones) return undefined;
    out.phoneNumbers = phones;
  }
  if (enterprise) out[ENTERPRISE_USER] = enterprise;
  return out;
}
