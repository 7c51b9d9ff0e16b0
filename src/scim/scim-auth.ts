import type { Request, RequestHandler } from 'express';
import type { Directory } from '../directory/index.js';
import { hashToken } from '../directory/index.js';
import { ScimError } from './scim-error.js';

const TOUCH_EVERY_MS = 60_000;

const bearerToken = (req: Request) => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];

/** IdPs authenticate with a SCIM token (Authorization: Bearer); its last use is recorded, at most once a minute. */
export function scimAuth(directory: Directory): RequestHandler {
  const touched = new Map<string, number>();
  return async (req, _res, next) => {
    const token = bearerToken(req);
    if (!token) throw new ScimError(401, 'Send a SCIM token as Authorization: Bearer <token>.');
    const record = await directory.verifyScimToken(token);
    if (!record) {
      if (await directory.sessionExists(token)) {
        throw new ScimError(403, 'This is a sign-in session token; SCIM needs a SCIM token (POST /api/v1/scim-tokens).');
      }
      throw new ScimError(401, 'The SCIM token is not valid or was revoked.');
    }
    const now = Date.now();
    const key = hashToken(token);
    if (now - (touched.get(key) ?? 0) > TOUCH_EVERY_MS) {
      touched.set(key, now);
      directory.touchScimToken(token, now).catch(() => touched.delete(key));
    }
    next();
  };
}
