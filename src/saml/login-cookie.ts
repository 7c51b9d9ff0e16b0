import { randomBytes } from 'node:crypto';
import { parse, serialize } from 'cookie';
import type { Request, Response } from 'express';

// Binds a login request to the browser that started it. The IdP posts the response from its own
// site, and browsers only send SameSite=None cookies on such a cross-site POST; SameSite=None
// needs Secure, which browsers also grant to http://localhost. Scoped to /saml, short-lived.

export const LOGIN_COOKIE = 'rune_saml_login';
const SECRET = /^[\w-]{43}$/;

export function readLoginCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  const value = header ? parse(header)[LOGIN_COOKIE] : undefined;
  return value && SECRET.test(value) ? value : undefined;
}

/** This browser's secret: the one it already has (logins in two tabs both work), else a new one. */
export function loginSecret(req: Request): string {
  return readLoginCookie(req) ?? randomBytes(32).toString('base64url');
}

export function setLoginCookie(res: Response, secret: string, maxAgeSeconds: number): void {
  res.append(
    'Set-Cookie',
    serialize(LOGIN_COOKIE, secret, {
      httpOnly: true,
      secure: true,
      sameSite: 'none',
      path: '/saml',
      maxAge: maxAgeSeconds,
    }),
  );
}
