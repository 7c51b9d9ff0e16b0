import SCIMMY from 'scimmy';
import { ScimError } from './scim-error.js';

// scimmy holds the SCIM schemas and decides what a valid User and a valid PATCH are.
// Declared once per process.

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** The most resources one list answer carries; advertised in ServiceProviderConfig. */
export const MAX_RESULTS = 200;

let declared = false;
export function declareScimSchemas(): void {
  if (declared) return;
  SCIMMY.Resources.declare(SCIMMY.Resources.User);
  SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false);
  SCIMMY.Resources.declare(SCIMMY.Resources.Group);
  SCIMMY.Config.set({
    documentationUri: undefined,
    patch: { supported: true },
    filter: { supported: true, maxResults: MAX_RESULTS },
    sort: { supported: true },
    etag: { supported: true },
    changePassword: { supported: false },
    bulk: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description:
          'A SCIM token created by a Rune admin (POST /api/v1/scim-tokens), sent as Authorization: Bearer <token>.',
        primary: true,
      },
    ],
  });
  declared = true;
}

type SchemaInstance = Record<string, unknown>;
type SchemaConstructor = new (data: object, direction?: 'in' | 'out' | 'both') => SchemaInstance;

/** scimmy's User schema with the enterprise extension: constructing it validates and coerces. */
export function userSchema(): SchemaConstructor {
  declareScimSchemas();
  return SCIMMY.Resources.User.schema as unknown as SchemaConstructor;
}

/**
 * A validated User as a plain object; scimmy's refusals (TypeErrors) become 400 invalidValue.
 * The schema definition's own coerce validates exactly what the Schema constructor does, at a
 * third of the cost (no instance with per-attribute accessors is built).
 */
export function coerceUser(data: object, direction: 'in' | 'out'): Record<string, unknown> {
  const definition = (userSchema() as unknown as { definition: { coerce(data: object, direction: string): object } })
    .definition;
  try {
    return definition.coerce(data, direction) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TypeError) throw new ScimError(400, error.message, 'invalidValue');
    throw error;
  }
}

export const toPlain = <T = Record<string, unknown>>(instance: unknown): T => JSON.parse(JSON.stringify(instance)) as T;
