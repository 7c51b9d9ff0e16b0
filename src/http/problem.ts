import { REFUSALS, problemType, type RefusalCode } from '../refusals.js';

// RFC 9457 problem documents: the one shape of every admin API and /auth error.

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}

export class Problem extends Error {
  override name = 'Problem';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  body(): ProblemBody {
    return {
      type: problemType(this.code),
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      code: this.code,
      detail: this.detail,
      ...this.extra,
    };
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The problem document of a refusal in src/refusals.ts: its status, words and Retry-After from there. */
export function problemOf(
  code: RefusalCode,
  detail: string = REFUSALS[code].message,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Problem {
  const spec: { status: number; retryAfter?: number } = REFUSALS[code];
  const retry: Record<string, string> = spec.retryAfter === undefined ? {} : { 'Retry-After': String(spec.retryAfter) };
  return new Problem(spec.status, code, detail, extra, { ...retry, ...headers });
}

export const notFound = (detail: string = REFUSALS.not_found.message) => problemOf('not_found', detail);
export const unauthenticated = (detail: string = REFUSALS.unauthenticated.message) =>
  problemOf('unauthenticated', detail);
export const forbidden = (detail: string = REFUSALS.forbidden.message) => problemOf('forbidden', detail);
export const validationFailed = (errors: { field: string; message: string }[]) =>
  problemOf('validation_failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
