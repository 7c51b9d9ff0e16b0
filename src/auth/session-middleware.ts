import type { Request, RequestHandler, Response } from 'express';
import type { Directory, SessionRecord, UserRecord } from '../directory/index.js';
import { AuthError, PASSWORD_CHANGE_REQUIRED, USER_INACTIVE } from './errors.js';
import { readSessionCookie } from './session-cookie.js';
import { unauthenticated, forbidden } from '../http/problem.js';

export interface AuthContext {
  user: UserRecord;
  session: SessionRecord;
  tokenHash: string;
  via: 'cookie' | 'bearer';
}

export const authOf = (res: Response): AuthContext => {
  const auth = res.locals.auth as AuthContext | undefined;
  if (!auth) throw unauthenticated();
  return auth;
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearerToken(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** Where our own pages are served: PUBLIC_URL and ALLOWED_ORIGINS (the Config has both). */
export interface OwnOrigins {
  readonly publicUrl: string;
  readonly allowedOrigins: readonly string[];
}

// A cookie rides along on cross-site requests; SameSite=Lax stops most, and this stops the rest:
// a state-changing request carried by the cookie must come from one of our own origins. Never the
// request's own Host header: that is whatever name the client used, an attacker's included.
function fromOwnOrigin(req: Request, own: ReadonlySet<string>): boolean {
  const source = req.headers.origin ?? (req.headers.referer ? safeOrigin(req.headers.referer) : undefined);
  return source !== undefined && own.has(source);
}

const safeOrigin = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/**
 * Requires a live session (cookie or bearer token). The user is re-read on every request,
 * so a role change or deactivation applies to the very next one. A temporary-password
 * session may only reach the routes that pass `allowPasswordChange`.
 */
export function requireSession(
  directory: Directory,
  origins: OwnOrigins,
  options: { allowPasswordChange?: boolean } = {},
): RequestHandler {
  const own = new Set([new URL(origins.publicUrl).origin, ...origins.allowedOrigins]);
  return async (req, res, next) => {
    const bearer = bearerToken(req);
    const token = bearer ?? readSessionCookie(req);
    if (!token) throw unauthenticated();
    const via = bearer ? 'bearer' : 'cookie';
    if (via === 'cookie' && !SAFE_METHODS.has(req.method) && !fromOwnOrigin(req, own)) {
      throw forbidden('Cross-site request refused: send an Origin header of this service, or use a bearer token.');
    }
    const found = await directory.lookupSession(token);
    if (found.status === 'user_inactive') throw new AuthError('user_inactive', USER_INACTIVE);
    if (found.status !== 'ok') throw unauthenticated('The session has ended or never existed; sign in again.');
    if (found.session.scope === 'password-change' && !options.allowPasswordChange) {
      throw new AuthError('password_change_required', PASSWORD_CHANGE_REQUIRED);
    }
    res.locals.auth = {
      user: found.user,
      session: found.session,
      tokenHash: found.tokenHash,
      via,
    } satisfies AuthContext;
    next();
  };
}

/** After requireSession: only admins pass. */
export const requireAdmin: RequestHandler = (_req, res, next) => {
  if (authOf(res).user.role !== 'admin') throw forbidden();
  next();
};
