import express, { type RequestHandler } from 'express';
import { InputRefused } from './input-refused.js';
import { malformedTextPath } from './well-formed-text.js';
import { problemOf, type Problem } from './problem.js';

// The one JSON body parser of every router. On top of express.json's limits it refuses, with a
// 400 and before anything walks the value, bodies nested deeper than MAX_JSON_DEPTH (checked on
// the raw text, so 100,000 "[" cost one linear scan, not a parse and a recursive walk) and
// bodies holding text that is not Unicode (a lone surrogate cannot be stored by Lua's cjson).

export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22,
  BACKSLASH = 0x5c,
  OPEN_ARRAY = 0x5b,
  OPEN_OBJECT = 0x7b,
  CLOSE_ARRAY = 0x5d,
  CLOSE_OBJECT = 0x7d;

/**
 * The deepest nesting of arrays and objects in JSON text, ignoring brackets inside strings;
 * stops counting once past `max`. In UTF-8 these ASCII bytes never occur inside a multi-byte
 * character, so the bytes are scanned as they came.
 */
export function jsonDepthExceeds(text: Uint8Array | string, max: number): boolean {
  const at = typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i]!;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = at(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
  }
  return false;
}

const tooDeep = () =>
  new InputRefused('entity.too.deep', `The body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels.`);

// body-parser accepts the other utf-* charsets too: those are decoded before the scan (where
// TextDecoder knows them; else the bytes are scanned, which can only over-count).
function decoded(body: Buffer, encoding: string | null): Uint8Array | string {
  if (!encoding || /^utf-?8$/i.test(encoding)) return body;
  try {
    return new TextDecoder(encoding).decode(body);
  } catch {
    return body;
  }
}

function checkDepth(_req: unknown, _res: unknown, body: Buffer, encoding: string | null): void {
  const text = decoded(body, encoding);
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) throw tooDeep();
}

function malformedText(body: unknown): InputRefused | undefined {
  const path = body === undefined ? undefined : malformedTextPath(body);
  return path === undefined
    ? undefined
    : new InputRefused(
        'entity.malformed.text',
        `${path}: is not valid Unicode text (it holds a lone UTF-16 surrogate).`,
        path,
      );
}

const METHODS_WITH_BODIES = new Set(['POST', 'PUT', 'PATCH']);

// express.json leaves a body of another media type unread, and the route would then see no
// fields at all ("email: required"). Such a body is refused instead, naming what is accepted.
// A Problem carries its status (the table's unsupported_media_type), so the SCIM error handler
// answers it as a SCIM 415 as well.
function unreadBody(req: express.Request, accepted: string[]): Problem | undefined {
  if (req.body !== undefined || !METHODS_WITH_BODIES.has(req.method)) return undefined;
  const length = Number(req.headers['content-length'] ?? 0);
  if (req.headers['transfer-encoding'] === undefined && !(length > 0)) return undefined;
  const sent = req.headers['content-type']
    ? `as ${req.headers['content-type'].split(';')[0]}`
    : 'without a Content-Type';
  return problemOf('unsupported_media_type', `The body was sent ${sent}; send it as ${accepted.join(' or ')}.`, {
    accepted,
  });
}

/** express.json with the given limit and media types, plus the depth and text checks; other media types are a 415. */
export function jsonBody(options: { limit: string; type?: string | string[] }): RequestHandler {
  const parse = express.json({
    limit: options.limit,
    ...(options.type ? { type: options.type } : {}),
    verify: checkDepth,
  });
  const accepted = options.type === undefined ? ['application/json'] : [options.type].flat();
  return (req, res, next) => {
    parse(req, res, (error?: unknown) => next(error ?? unreadBody(req, accepted) ?? malformedText(req.body)));
  };
}
