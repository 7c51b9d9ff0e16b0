import { DirectoryError, type DirectoryErrorCode } from '../directory/index.js';
import { AuthError, type AuthErrorCode } from '../auth/errors.js';
import { Problem } from './problem.js';
import { InputRefused } from './input-refused.js';

// The one mapping from domain refusals and infrastructure failures to HTTP statuses.

const DIRECTORY_STATUS: Record<DirectoryErrorCode, number> = {
  not_found: 404,
  validation_failed: 400,
  email_taken: 409,
  username_taken: 409,
  external_id_taken: 409,
  conflict: 409,
  version_mismatch: 412,
  last_active_admin: 409,
  cannot_deactivate_self: 409,
  cannot_delete_self: 409,
  cannot_change_own_role: 409,
  active_sessions: 409,
  user_inactive: 403,
  sso_required: 401,
  invalid_cursor: 400,
  already_set_up: 409,
  already_sso: 409,
  saml_account_bound: 409,
};

const AUTH_STATUS: Record<AuthErrorCode, number> = {
  invalid_credentials: 401,
  sso_required: 401,
  user_inactive: 403,
  rate_limited: 429,
  unauthenticated: 401,
  password_change_required: 403,
  password_rejected: 400,
  forbidden: 403,
  already_set_up: 409,
  temporary_password_expired: 401,
  sso_user: 409,
};

const REDIS_DOWN = /ECONNREFUSED|Connection is closed|Stream isn't writeable|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|CLUSTERDOWN|LOADING|READONLY/;

/** True for errors meaning Redis cannot be reached right now (answered as 503, never 404). */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'MaxRetriesPerRequestError' || REDIS_DOWN.test(error.message);
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** The problem document of a directory refusal, from its code; rule refusals not listed are 409s. */
export function refusalProblem(code: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  const status = DIRECTORY_STATUS[code as DirectoryErrorCode] ?? 409;
  return new Problem(status, code, capitalize(detail), extra);
}

/** A Problem for any error, or undefined when it is an unexpected failure (a 500). */
export function toProblem(error: unknown): Problem | undefined {
  if (error instanceof Problem) return error;
  if (error instanceof DirectoryError) {
    return refusalProblem(error.code, error.message, error.fields.length > 0 ? { errors: error.fields } : {});
  }
  if (error instanceof AuthError) {
    const extra: Record<string, unknown> = {};
    const headers: Record<string, string> = {};
    if (error.extra.requirements) extra.errors = error.extra.requirements.map(splitRequirement);
    if (error.extra.retryAfterSeconds !== undefined) headers['Retry-After'] = String(error.extra.retryAfterSeconds);
    return new Problem(AUTH_STATUS[error.code], error.code, error.message, extra, headers);
  }
  if (isRedisUnavailable(error)) {
    return new Problem(503, 'service_unavailable', 'The directory store is unreachable; try again shortly.', {}, { 'Retry-After': '5' });
  }
  if (error instanceof InputRefused) {
    return new Problem(400, error.code, error.message, error.field ? { errors: [{ field: error.field, message: 'is not valid Unicode text' }] } : {});
  }
  const parser = error as BodyParserError;
  if (parser?.type === 'entity.parse.failed') return new Problem(400, 'invalid_json', 'The body is not valid JSON.');
  if (parser?.type === 'entity.too.large') return new Problem(413, 'payload_too_large', 'The body is too large.');
  if (parser?.type === 'encoding.unsupported' || parser?.type === 'charset.unsupported') {
    return new Problem(415, 'unsupported_media_type', 'Send the body as UTF-8 JSON.');
  }
  if (typeof parser?.status === 'number' && parser.status >= 400 && parser.status < 500) {
    return new Problem(parser.status, 'bad_request', parser.message);
  }
  return undefined;
}

function splitRequirement(requirement: string) {
  const at = requirement.indexOf(': ');
  return at < 0 ? { field: 'password', message: requirement } : { field: requirement.slice(0, at), message: requirement.slice(at + 2) };
}

const capitalize = (text: string) => (text ? `${text[0]!.toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}` : text);
