import SCIMMY from 'scimmy';
import { DirectoryError } from '../directory/index.js';
import { edgeRefusal } from '../http/error-mapping.js';
import { REFUSALS, peopleWords, refusalSpec } from '../refusals.js';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A SCIM protocol error (RFC 7644 §3.12): status as a string, scimType where the RFC names one. */
export class ScimError extends Error {
  override name = 'ScimError';
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: string,
  ) {
    super(detail);
  }

  body() {
    return {
      schemas: [ERROR_SCHEMA],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.detail,
    };
  }
}

// A directory refusal the table gives no SCIM answer is a SCIM 400 invalidValue.
const NO_SCIM_ANSWER = { status: 400, scimType: 'invalidValue' } as const;

export const LAST_ADMIN_DETAIL = REFUSALS.last_active_admin.scim.detail;

/** Every error a SCIM route can meet, as a SCIM error; undefined for the unexpected (a 500). */
export function toScimError(error: unknown): ScimError | undefined {
  if (error instanceof ScimError) return error;
  if (error instanceof SCIMMY.Types.Error) {
    const e = error as unknown as { status: number; scimType?: string; message: string };
    return new ScimError(e.status, e.message, e.scimType);
  }
  if (error instanceof DirectoryError) {
    const scim: { status: number; scimType?: string; detail?: string } = refusalSpec(error.code).scim ?? NO_SCIM_ANSWER;
    return new ScimError(scim.status, scim.detail ?? peopleWords(error.code, error.message), scim.scimType);
  }
  const edge = edgeRefusal(error);
  if (!edge) return undefined;
  const spec = refusalSpec(edge.code);
  const scim: { status: number; scimType?: string; detail?: string } = spec.scim ?? { status: spec.status };
  return new ScimError(
    edge.status ?? scim.status,
    edge.scimDetail ?? scim.detail ?? edge.detail ?? spec.message,
    edge.scimType ?? scim.scimType,
  );
}
