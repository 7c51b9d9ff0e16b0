import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import { routeLabel } from './metrics.js';

// One line per request: method, the full path as sent, the route template, status, duration, and
// the request id, which every other line logged while the request is handled carries too.
//
// Never the query string: SCIM filters (`userName eq "ann@corp.test"`) and user searches carry
// personal data, and the route template already says which endpoint it was.

// What we take from a caller (a proxy, a load balancer, another service): short, printable, and
// nothing a log viewer or a header could misread. Anything else is replaced, not cleaned.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'X-Request-Id';

function requestIdOf(req: Request): string {
  const given = req.get(REQUEST_ID_HEADER);
  return given !== undefined && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/** The path the client asked for (mount included, query left out): `/auth/login`, not `/login`. */
export function requestPath(req: Request): string {
  const url = typeof req.originalUrl === 'string' ? req.originalUrl : req.url;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    res.set(REQUEST_ID_HEADER, requestId);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        {
          requestId,
          method: req.method,
          path: requestPath(req),
          route: routeLabel(req),
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
        },
        'request',
      );
    });
    // For the lines logged while it is handled (logger.ts requestLogger).
    res.locals.requestId = requestId;
    next();
  };
}
