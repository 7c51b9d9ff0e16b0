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
    return { type: `urn:rune-directory:problem:${this.code}`, title: TITLES[this.status] ?? 'Error', status: this.status, code: this.code, detail: this.detail, ...this.extra };
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 412: 'Precondition Failed', 413: 'Content Too Large', 415: 'Unsupported Media Type',
  429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

export const notFound = (detail = 'No such resource.') => new Problem(404, 'not_found', detail);
export const unauthenticated = (detail = 'Sign in first: send the rune_session cookie or a bearer token.') =>
  new Problem(401, 'unauthenticated', detail);
export const forbidden = (detail = 'Only admins may do this.') => new Problem(403, 'forbidden', detail);
export const validationFailed = (errors: { field: string; message: string }[]) =>
  new Problem(400, 'validation_failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
