import type { Request, RequestHandler } from 'express';
import type { Directory } from '../directory/index.js';
import type { ScimTokenCache } from './token-cache.js';
import { ScimError } from './scim-error.js';

const bearerToken = (req: Request) => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];

/** IdPs authenticate with a SCIM token (Authorization: Bearer). */
export function scimAuth(directory: Directory, tokens: ScimTokenCache): RequestHandler {
  return async (req, _res, next) => {
    const token = bearerToken(req);
    if (!token) throw new ScimError(401, 'Send a SCIM token as Authorization: Bearer <token>.');
    if (!(await tokens.verify(token))) {
      if (await directory.sessionExists(token)) {
        throw new ScimError(
          403,
          'This is a sign-in session token; SCIM needs a SCIM token (POST /api/v1/scim-tokens).',
        );
      }
      throw new ScimError(401, 'The SCIM token is not valid or was revoked.');
    }
    next();
  };
}
