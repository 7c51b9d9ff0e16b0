import SCIMMY from 'scimmy';
import { DirectoryError, type DirectoryErrorCode } from '../directory/index.js';
import { isRedisUnavailable } from '../http/error-mapping.js';
import { InputRefused } from '../http/input-refused.js';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A SCIM protocol error (RFC 7644 §3.12): status as a string, scimType where the RFC names one. */
export class ScimError extends Error {
  override name = 'ScimError';
  constructor(readonly status: number, readonly detail: string, readonly scimType?: string) {
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

const DIRECTORY_TO_SCIM: Partial<Record<DirectoryErrorCode, [number, string?]>> = {
  not_found: [404],
  validation_failed: [400, 'invalidValue'],
  email_taken: [409, 'uniqueness'],
  username_taken: [409, 'uniqueness'],
  external_id_taken: [409, 'uniqueness'],
  conflict: [409, 'uniqueness'],
  version_mismatch: [412],
  last_active_admin: [409],
  active_sessions: [409],
};

export const LAST_ADMIN_DETAIL =
  'This user is the last active admin of the organization; promote another user to admin in Rune before deactivating, demoting or deleting them.';

const SCIM_DETAIL: Partial<Record<DirectoryErrorCode, string>> = {
  email_taken: 'A user with this email already exists.',
  username_taken: 'A user with this userName already exists.',
  external_id_taken: 'A user with this externalId already exists.',
  last_active_admin: LAST_ADMIN_DETAIL,
  version_mismatch: 'The resource changed since the version in If-Match.',
};

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** Every error a SCIM route can meet, as a SCIM error; undefined for the unexpected (a 500). */
export function toScimError(error: unknown): ScimError | undefined {
  if (error instanceof ScimError) return error;
  if (error instanceof SCIMMY.Types.Error) {
    const e = error as unknown as { status: number; scimType?: string; message: string };
    return new ScimError(e.status, e.message, e.scimType);
  }
  if (error instanceof DirectoryError) {
    const [status, scimType] = DIRECTORY_TO_SCIM[error.code] ?? [400, 'invalidValue'];
    return new ScimError(status, SCIM_DETAIL[error.code] ?? error.message, scimType);
  }
  if (isRedisUnavailable(error)) return new ScimError(503, 'The directory store is unreachable; retry shortly.');
  if (error instanceof InputRefused) return new ScimError(400, error.message, error.scimType);
  const parser = error as BodyParserError;
  if (parser?.type === 'entity.parse.failed') return new ScimError(400, 'The body is not valid JSON.', 'invalidSyntax');
  if (parser?.type === 'entity.too.large') return new ScimError(413, 'The request body is too large.');
  if (parser?.type === 'encoding.unsupported' || parser?.type === 'charset.unsupported') {
    return new ScimError(415, 'Send the body as UTF-8 JSON.');
  }
  // Express's own 4xx refusals, such as a path segment that does not decode (a lone surrogate).
  if (typeof parser?.status === 'number' && parser.status >= 400 && parser.status < 500) {
    return new ScimError(parser.status, parser.status === 400 ? 'The request URL could not be decoded.' : parser.message);
  }
  return undefined;
}
