import type { GroupChange } from '../directory/groups/types.js';
import { ScimError } from './scim-error.js';
import { parseFilter, type FilterNode } from './filter-syntax.js';
import { PATCH_OP } from './scim-schema.js';
import { CORE_GROUP, field, groupText, memberId, memberIds, MAX_MEMBERS_PER_REQUEST } from './group-resource.js';

// A Group PATCH (RFC 7644 §3.5.2) as one directory change: the operations are folded, in order,
// into a new displayName/externalId and the members added, removed or replaced, so adding one
// member costs one set insertion whatever the group's size. Paths are parsed here (never by
// scimmy): displayName, externalId, members, members[value eq "…"] (and `or` of those), each
// optionally prefixed by the Group schema URN. Op names are case-insensitive (Entra: "Add").
// Quirks: Okta's path-less replace with {id, displayName}; Entra's remove of path "members"
// with a value array of {value}.

type Json = Record<string, unknown>;

export const MAX_OPERATIONS = 1000;
const MAX_GROUP_PATH = 1024;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const invalidPath = (path: string, why: string) =>
  new ScimError(400, `Invalid path ${JSON.stringify(path.slice(0, 80))}: ${why}.`, 'invalidPath');
const invalid = (detail: string) => new ScimError(400, detail, 'invalidValue');

type Target = { attribute: 'displayname' | 'externalid' | 'members'; members?: string[] };

/** The values of `value eq "x"` (or an `or` of them) inside members[...]. */
function filterValues(node: FilterNode, path: string): string[] {
  if (node.kind === 'or') return node.items.flatMap((item) => filterValues(item, path));
  if (
    node.kind === 'compare' &&
    node.op === 'eq' &&
    node.path.schema === undefined &&
    node.path.sub === undefined &&
    node.path.name?.toLowerCase() === 'value' &&
    typeof node.value === 'string'
  )
    return [memberId(node.value)];
  throw invalidPath(path, 'a member filter is value eq "<user id>"');
}

function parseTarget(raw: unknown): Target | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw invalid('A PATCH path is text.');
  if (raw.length > MAX_GROUP_PATH) throw invalidPath(raw, `at most ${MAX_GROUP_PATH} characters`);
  let path = raw.trim();
  if (path.toLowerCase().startsWith(`${CORE_GROUP.toLowerCase()}:`)) path = path.slice(CORE_GROUP.length + 1);
  const bracket = path.indexOf('[');
  const name = (bracket < 0 ? path : path.slice(0, bracket)).trim().toLowerCase();
  if (bracket >= 0) {
    if (name !== 'members' || !path.endsWith(']')) throw invalidPath(raw, 'only members takes a filter');
    const values = filterValues(parseFilter(path.slice(bracket + 1, -1)), raw);
    return { attribute: 'members', members: values };
  }
  if (name === 'displayname' || name === 'externalid' || name === 'members') return { attribute: name };
  if (name === 'members.value') return { attribute: 'members' };
  throw invalidPath(raw, 'a Group has displayName, externalId and members');
}

/** Folds operations into one change; member sets stay disjoint and keep the operations' order. */
class Fold {
  displayName?: string;
  externalId?: string;
  add = new Set<string>();
  remove = new Set<string>();
  replace?: Set<string>;

  constructor(private readonly groupId: string) {}

  addMembers(ids: string[]) {
    for (const id of ids) {
      if (this.replace) this.replace.add(id);
      else {
        this.remove.delete(id);
        this.add.add(id);
      }
    }
  }

  removeMembers(ids: string[]) {
    for (const id of ids) {
      if (this.replace) this.replace.delete(id);
      else {
        this.add.delete(id);
        this.remove.add(id);
      }
    }
  }

  replaceMembers(ids: string[]) {
    this.replace = new Set(ids);
    this.add.clear();
    this.remove.clear();
  }

  /** One attribute of a path-less value, or the value of a path. */
  set(op: 'add' | 'replace', attribute: string, value: unknown, raw: string) {
    switch (attribute) {
      case 'displayname':
        this.displayName = groupText(value, 'displayName');
        return;
      case 'externalid':
        this.externalId = value === null || value === '' ? '' : groupText(value, 'externalId');
        return;
      case 'members':
        if (op === 'add') this.addMembers(memberIds(value));
        else this.replaceMembers(memberIds(value));
        return;
      case 'id':
        // Okta sends the group's own id beside displayName; it cannot change.
        if (value !== this.groupId) throw new ScimError(400, 'id is read-only.', 'mutability');
        return;
      case 'schemas':
      case 'meta':
        return;
      default:
        throw invalidPath(raw, 'a Group has displayName, externalId and members');
    }
  }

  change(): GroupChange {
    return {
      ...(this.displayName !== undefined ? { displayName: this.displayName } : {}),
      ...(this.externalId !== undefined ? { externalId: this.externalId } : {}),
      ...(this.replace ? { replace: [...this.replace] } : { add: [...this.add], remove: [...this.remove] }),
    };
  }
}

/** A PATCH body as one directory change, or a 400 naming what is wrong; nothing is stored yet. */
export function groupPatchChange(body: unknown, groupId: string): GroupChange {
  const message = isObject(body) ? body : {};
  if (!Array.isArray(message.schemas) || message.schemas.length !== 1 || message.schemas[0] !== PATCH_OP)
    throw new ScimError(400, `A PATCH body must have schemas ["${PATCH_OP}"].`, 'invalidSyntax');
  const operations = field(message, 'Operations');
  if (!Array.isArray(operations)) throw invalid('A PATCH body needs an Operations array.');
  if (operations.length > MAX_OPERATIONS) throw invalid(`At most ${MAX_OPERATIONS} operations in one PATCH.`);
  const fold = new Fold(groupId);
  for (const raw of operations) {
    if (!isObject(raw)) throw invalid('Each PATCH operation is an object with op, and path or value.');
    const opText = field(raw, 'op');
    const op = typeof opText === 'string' ? opText.toLowerCase() : '';
    if (op !== 'add' && op !== 'remove' && op !== 'replace')
      throw invalid('A PATCH op is "add", "remove" or "replace".');
    const rawPath = field(raw, 'path');
    const target = parseTarget(rawPath);
    const value = field(raw, 'value');
    const path = String(rawPath ?? '');
    if (!target) {
      if (op === 'remove') throw new ScimError(400, 'A remove operation needs a path.', 'noTarget');
      if (!isObject(value)) throw invalid('A PATCH operation without a path needs an object value.');
      for (const [key, item] of Object.entries(value)) {
        const plain = key.toLowerCase();
        if (plain === 'id' || plain === 'schemas' || plain === 'meta') fold.set(op, plain, item, key);
        else fold.set(op, parseTarget(key)!.attribute, item, key);
      }
    } else if (target.members) {
      if (op !== 'remove') throw invalidPath(path, 'a member filter is for remove only');
      fold.removeMembers(target.members);
    } else if (op === 'remove') {
      if (target.attribute === 'displayname')
        throw invalid('displayName is required: it can be replaced, not removed.');
      if (target.attribute === 'externalid') fold.externalId = '';
      // Entra: path "members" with a value array removes those; without a value, every member.
      else if (value === undefined || value === null) fold.replaceMembers([]);
      else fold.removeMembers(memberIds(value));
    } else {
      fold.set(op, target.attribute, value, path);
    }
    if (fold.add.size + fold.remove.size + (fold.replace?.size ?? 0) > MAX_MEMBERS_PER_REQUEST)
      throw invalid(`At most ${MAX_MEMBERS_PER_REQUEST} members in one PATCH.`);
  }
  return fold.change();
}
