import type { Request, RequestHandler, Response } from 'express';
import type { Actor, Directory, ScimTokenRecord } from '../directory/index.js';
import type { ScimTokenCache } from './token-cache.js';
import { ScimError } from './scim-error.js';

/** Who makes an IdP's change, for the audit trail: the SCIM token the request came with (id and name). */
export function scimActor(res: Response): Actor {
  const token = res.locals.scimToken as ScimTokenRecord | null | undefined;
  return token ? { source: 'scim', actorId: token.id, actorName: token.name } : { source: 'scim' };
}

const bearerToken = (req: Request) => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];

/** IdPs authenticate with a SCIM token (Authorization: Bearer). */
export function scimAuth(directory: Directory, tokens: ScimTokenCache): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req);
    if (!token) throw new ScimError(401, 'Send a SCIM token as Authorization: Bearer <token>.');
    const record = await tokens.verify(token);
    res.locals.scimToken = record;
    if (!record) {
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
