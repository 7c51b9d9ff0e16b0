import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { validationFailed } from './problem.js';

function fieldsOf(error: z.ZodError) {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: 'is not a known field' }));
    }
    return [{ field: issue.path.join('.') || 'body', message: issue.message }];
  });
}

// A field that is not there is named as missing, not as "expected string, received undefined".
const parseOptions = { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : undefined) };

/**
 * Parses the JSON body with a schema; a bad body is a 400 naming each bad field, all of them
 * at once (zod checks every key; the schemas run the directory's own name and email rules).
 */
export function validateBody<T extends z.ZodType>(schema: T): RequestHandler {
  return (req, res, next) => {
    const parsed = schema.safeParse(req.body ?? {}, parseOptions);
    if (!parsed.success) return next(validationFailed(fieldsOf(parsed.error)));
    res.locals.body = parsed.data;
    next();
  };
}

/** Parses the query string with a schema. */
export function validateQuery<T extends z.ZodType>(schema: T): RequestHandler {
  return (req, res, next) => {
    const parsed = schema.safeParse(req.query, parseOptions);
    if (!parsed.success) return next(validationFailed(fieldsOf(parsed.error)));
    res.locals.query = parsed.data;
    next();
  };
}
