// A small fetch wrapper for HTTP-level tests.

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  token?: string;
  cookie?: string;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: string;
}

export async function call<T = any>(
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

export const client = (base: string) => ({
  get: <T = any>(path: string, options?: CallOptions) => call<T>(base, 'GET', path, options),
  post: <T = any>(path: string, body?: unknown, options?: CallOptions) =>
    call<T>(base, 'POST', path, { ...options, body }),
  patch: <T = any>(path: string, body?: unknown, options?: CallOptions) =>
    call<T>(base, 'PATCH', path, { ...options, body }),
  put: <T = any>(path: string, body?: unknown, options?: CallOptions) =>
    call<T>(base, 'PUT', path, { ...options, body }),
  delete: <T = any>(path: string, options?: CallOptions) => call<T>(base, 'DELETE', path, options),
});

export type Client = ReturnType<typeof client>;
