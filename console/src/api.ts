// The console's one way to the service: same-origin fetch with the session cookie, answers
// turned into a result that never holds raw JSON for people to read.

export interface FieldError {
  field: string;
  message: string;
}

export type ApiResult<T> =
  | { ok: true; status: number; data: T; headers: Headers }
  | {
      ok: false;
      status: number;
      code: string;
      /** Plain words for people: the problem's detail or title, or a sentence of ours. */
      message: string;
      /** Each bad field of a refused body (problem+json `errors`), when the service names them. */
      errors?: FieldError[];
      /** Seconds from Retry-After, when the service sent one. */
      retryAfter?: number;
    };

type SignedOutListener = (code: string, message: string) => void;
const signedOutListeners = new Set<SignedOutListener>();

/** Called when an answer says this browser's session no longer works (ended, or the user deactivated). */
export function onSessionLost(listener: SignedOutListener): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

const NETWORK_FAILURE = 'The service could not be reached. Check your connection and try again.';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldErrors(value: unknown): FieldError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const errors = value
    .filter(isRecord)
    .filter((e) => typeof e.field === 'string' && typeof e.message === 'string')
    .map((e) => ({ field: e.field as string, message: e.message as string }));
  return errors.length > 0 ? errors : undefined;
}

function wordsOf(status: number, body: unknown): string {
  if (isRecord(body)) {
    if (typeof body.detail === 'string' && body.detail.trim()) return body.detail;
    if (typeof body.title === 'string' && body.title.trim()) return body.title;
  }
  if (status >= 500) return 'Something went wrong on the service. Try again in a moment.';
  return `The service refused this request (HTTP ${status}).`;
}

// Sign-in's own refusals are the form's business, not a lost session.
const SESSION_LOST = new Set(['unauthenticated', 'user_inactive', 'password_change_required']);

export async function api<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, code: 'network', message: NETWORK_FAILURE };
  }
  const text = await response.text().catch(() => '');
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (response.ok) return { ok: true, status: response.status, data: parsed as T, headers: response.headers };

  const code = isRecord(parsed) && typeof parsed.code === 'string' ? parsed.code : `http_${response.status}`;
  const message = wordsOf(response.status, parsed);
  const retry = Number(response.headers.get('retry-after'));
  const failure: ApiResult<T> = {
    ok: false,
    status: response.status,
    code,
    message,
    ...(isRecord(parsed) && fieldErrors(parsed.errors) ? { errors: fieldErrors(parsed.errors) } : {}),
    ...(Number.isFinite(retry) && retry > 0 ? { retryAfter: retry } : {}),
  };
  if (SESSION_LOST.has(code) && path !== '/auth/login') {
    for (const listener of signedOutListeners) listener(code, message);
  }
  return failure;
}
