import SCIMMY from 'scimmy';
import { userSchema, toPlain } from './scim-schema.js';
import { ScimError } from './scim-error.js';
import { checkAttributeList } from './attribute-path.js';

type Json = Record<string, unknown>;

export interface Projection {
  attributes?: string;
  excludedAttributes?: string;
}

/**
 * The attribute projection of a resource, or undefined when none is asked for. scimmy decides
 * what `attributes` and `excludedAttributes` keep (always-returned attributes stay); responses
 * without them are served as stored, without paying for scimmy. Every name passes
 * attribute-path.ts first: scimmy's parser would write `__proto__.x` onto Object.prototype.
 */
export function projector(projection: Projection): ((resource: Json) => Json) | undefined {
  const list = projection.attributes ?? projection.excludedAttributes;
  if (list === undefined) return undefined;
  const names = checkAttributeList(String(list), projection.attributes !== undefined ? 'attributes' : 'excludedAttributes');
  if (projection.attributes !== undefined && projection.excludedAttributes !== undefined) checkAttributeList(String(projection.excludedAttributes), 'excludedAttributes');
  let filter: unknown;
  try {
    filter = new SCIMMY.Types.Filter(names.map((a) => `${a} ${projection.attributes !== undefined ? 'pr' : 'np'}`).join(' and '));
  } catch (error) {
    throw new ScimError(400, `Invalid attribute list: ${(error as Error).message}`, 'invalidValue');
  }
  const User = userSchema() as unknown as new (data: object, direction: string, basepath: string | undefined, filter: unknown) => object;
  return (resource) => {
    const { meta } = resource as { meta: Json };
    const shaped = toPlain<Json>(new User(resource, 'out', undefined, filter));
    // scimmy rebuilds meta from its own basepath; ours carries the public location and version.
    if (shaped.meta !== undefined) shaped.meta = meta;
    return { schemas: resource.schemas, ...shaped };
  };
}
