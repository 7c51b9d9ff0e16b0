import { parse, serialize } from 'cookie';
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'rune_session';

export function readSessionCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  return header ? parse(header)[SESSION_COOKIE] : undefined;
}

/** HttpOnly, SameSite=Lax, Secure when the service is public over https; lives as long as the session may. */
export function setSessionCookie(res: Response, token: string, expires: Date, publicUrl: string): void {
  res.append(
    'Set-Cookie',
    serialize(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: publicUrl.startsWith('https://'),
      path: '/',
      expires,
    }),
  );
}

export function clearSessionCookie(res: Response, publicUrl: string): void {
  res.append(
    'Set-Cookie',
    serialize(SESSION_COOKIE, '', {
      httpOnly: true,
      sameSite: 'lax',
      secure: publicUrl.startsWith('https://'),
      path: '/',
      expires: new Date(0),
    }),
  );
}
