import type { ErrorRequestHandler, RequestHandler } from 'express';
import { requestLogger, type Logger } from '../logger.js';
import { notFound, problemOf, type Problem } from './problem.js';
import { isRedisUnavailable, toProblem } from './error-mapping.js';
import { requestPath } from './request-log.js';

export function sendProblem(res: Parameters<RequestHandler>[1], problem: Problem): void {
  res.status(problem.status).set(problem.headers).type('application/problem+json').send(JSON.stringify(problem.body()));
}

/** Last handler of the JSON APIs: every error becomes a problem document; only the unexpected are 500s. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const problem = toProblem(error);
    if (problem) {
      if (isRedisUnavailable(error))
        requestLogger(logger, res).warn({ err: (error as Error).message, path: requestPath(req) }, 'redis unavailable');
      sendProblem(res, problem);
      return;
    }
    requestLogger(logger, res).error({ err: error, method: req.method, path: requestPath(req) }, 'unexpected error');
    if (res.headersSent) return;
    sendProblem(res, problemOf('internal_error'));
  };
}

export const problemNotFound: RequestHandler = (req, _res, next) =>
  next(notFound(`No route ${req.method} ${req.path}.`));
