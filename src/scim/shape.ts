import { ENTERPRISE_USER } from './scim-schema.js';
import { ScimError } from './scim-error.js';
import { checkAttributeList, parseAttributePath, type AttributePath } from './attribute-path.js';

type Json = Record<string, unknown>;

export interface Projection {
  attributes?: string;
  excludedAttributes?: string;
}

// RFC 7644 §3.9 over the stored representation: `attributes` keeps the named attributes (plus
// `id` and `schemas`, always returned), `excludedAttributes` drops them. Names may be
// qualified by the core or enterprise schema URN, or be the bare enterprise URN. Every name
// passes attribute-path.ts first, and keys are only ever read from and copied onto objects
// the resource already has, so no input becomes a key of its own.

const ALWAYS = new Set(['id', 'schemas']);

interface Target {
  /** The key of the extension object holding the attribute, or undefined for the core schema. */
  extension?: string;
  name?: string;
  sub?: string;
}

const toTarget = (path: AttributePath): Target => ({
  extension: path.schema === ENTERPRISE_USER ? ENTERPRISE_USER : undefined,
  name: path.name,
  sub: path.sub,
});

const keyOf = (object: Json, name: string) =>
  Object.keys(object).find((key) => key.toLowerCase() === name.toLowerCase());
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function containerOf(resource: Json, target: Target): Json | undefined {
  if (!target.extension) return resource;
  const key = keyOf(resource, target.extension);
  const value = key === undefined ? undefined : resource[key];
  return isObject(value) ? value : undefined;
}

function keep(source: Json, into: Json, target: Target): void {
  const from = containerOf(source, target);
  if (!from) return;
  let to = into;
  if (target.extension) {
    if (!target.name) {
      into[target.extension] = from;
      return;
    }
    to = isObject(into[target.extension]) ? (into[target.extension] as Json) : (into[target.extension] = {});
  }
  const key = keyOf(from, target.name!);
  if (key === undefined) return;
  const value = from[key];
  if (!target.sub) {
    to[key] = value;
    return;
  }
  const sub = target.sub;
  const pick = (item: unknown, existing: unknown): Json | undefined => {
    if (!isObject(item)) return undefined;
    const subKey = keyOf(item, sub);
    const picked: Json = isObject(existing) ? existing : {};
    if (subKey !== undefined) picked[subKey] = item[subKey];
    return picked;
  };
  if (Array.isArray(value)) {
    const existing = Array.isArray(to[key]) ? (to[key] as unknown[]) : [];
    to[key] = value.map((item, i) => pick(item, existing[i]) ?? {});
  } else if (isObject(value)) {
    to[key] = pick(value, to[key]);
  }
}

function drop(resource: Json, target: Target): void {
  const from = containerOf(resource, target);
  if (!from) return;
  if (!target.name) {
    delete resource[keyOf(resource, target.extension!)!];
    return;
  }
  const key = keyOf(from, target.name);
  if (key === undefined || (!target.extension && ALWAYS.has(key))) return;
  if (!target.sub) {
    delete from[key];
    return;
  }
  const items = Array.isArray(from[key]) ? (from[key] as unknown[]) : [from[key]];
  for (const item of items) {
    if (!isObject(item)) continue;
    const subKey = keyOf(item, target.sub);
    if (subKey !== undefined) delete item[subKey];
  }
}

/** The attribute projection of a resource, or undefined when none is asked for. */
export function projector(projection: Projection): ((resource: Json) => Json) | undefined {
  const including = projection.attributes !== undefined;
  const list = including ? projection.attributes : projection.excludedAttributes;
  if (list === undefined) return undefined;
  const place = including ? 'attributes' : 'excludedAttributes';
  // RFC 7644 §3.9: with both, attributes wins; the other is still checked, never ignored unread.
  if (including && projection.excludedAttributes !== undefined)
    checkAttributeList(String(projection.excludedAttributes), 'excludedAttributes');
  const targets = checkAttributeList(String(list), place).map((name) => {
    const path = parseAttributePath(name, { bareSchema: true });
    if (!path) throw new ScimError(400, `${place}: ${name} is not an attribute path.`, 'invalidPath');
    return toTarget(path);
  });
  if (including) {
    return (resource) => {
      const shaped: Json = { schemas: resource.schemas, id: resource.id };
      for (const target of targets) keep(resource, shaped, target);
      return shaped;
    };
  }
  return (resource) => {
    const shaped = structuredClone(resource);
    for (const target of targets) drop(shaped, target);
    return shaped;
  };
}
