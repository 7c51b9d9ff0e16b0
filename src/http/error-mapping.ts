import { DirectoryError } from '../directory/index.js';
import { AuthError } from '../auth/errors.js';
import { REFUSALS, Refusal, isRefusalCode, peopleWords, type RefusalCode } from '../refusals.js';
import { Problem, problemOf } from './problem.js';
import { InputRefused } from './input-refused.js';

// The one mapping from domain refusals and infrastructure failures to problem documents; every
// status and word comes from the refusal table (src/refusals.ts).

const REDIS_DOWN =
  /ECONNREFUSED|Connection is closed|Stream isn't writeable|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|CLUSTERDOWN|LOADING|READONLY/;

/** True for errors meaning Redis cannot be reached right now (answered as 503, never 404). */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'MaxRetriesPerRequestError' || REDIS_DOWN.test(error.message);
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** A failure met at the edge (the store, a body, a URL), as a refusal code; its words where they say more. */
export interface EdgeRefusal {
  code: RefusalCode;
  /** Only for Express's own 4xx refusals, whose status varies. */
  status?: number;
  detail?: string;
  scimDetail?: string;
  scimType?: string;
  field?: string;
}

/** The one reading of Redis outages, body-parser errors and Express's 4xx refusals, for every surface. */
export function edgeRefusal(error: unknown): EdgeRefusal | undefined {
  if (isRedisUnavailable(error)) return { code: 'service_unavailable' };
  if (error instanceof InputRefused)
    return { code: error.code, detail: error.message, scimType: error.scimType, field: error.field };
  const parser = error as BodyParserError;
  if (parser?.type === 'entity.parse.failed') return { code: 'invalid_json' };
  if (parser?.type === 'entity.too.large') return { code: 'payload_too_large' };
  if (parser?.type === 'encoding.unsupported' || parser?.type === 'charset.unsupported')
    return { code: 'unsupported_media_type' };
  // Express's own 4xx refusals, such as a path segment that does not decode (a lone surrogate).
  if (typeof parser?.status === 'number' && parser.status >= 400 && parser.status < 500) {
    const scimDetail = parser.status === 400 ? REFUSALS.bad_request.message : parser.message;
    return { code: 'bad_request', status: parser.status, detail: parser.message, scimDetail };
  }
  return undefined;
}

/**
 * The problem document of a directory refusal, from its code. A code the table lacks (only a job's
 * failedReason could carry one; test/refusals.spec.ts fails on a Lua code the table lacks) keeps
 * its code and answers with the status of a conflict.
 */
export function refusalProblem(code: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  const words = capitalize(peopleWords(code, detail));
  return isRefusalCode(code)
    ? problemOf(code, words, extra)
    : new Problem(REFUSALS.conflict.status, code, words, extra);
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
    return problemOf(error.code, error.message, extra, headers);
  }
  if (error instanceof Refusal) return problemOf(error.code, error.message);
  const edge = edgeRefusal(error);
  if (!edge) return undefined;
  const extra = edge.field ? { errors: [{ field: edge.field, message: 'is not valid Unicode text' }] } : {};
  const problem = problemOf(edge.code, edge.detail, extra);
  return edge.status === undefined
    ? problem
    : new Problem(edge.status, problem.code, problem.detail, problem.extra, problem.headers);
}

function splitRequirement(requirement: string) {
  const at = requirement.indexOf(': ');
  return at < 0
    ? { field: 'password', message: requirement }
    : { field: requirement.slice(0, at), message: requirement.slice(at + 2) };
}

const capitalize = (text: string) =>
  text ? `${text[0]!.toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}` : text;
