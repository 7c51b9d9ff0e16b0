import type { RequestHandler } from 'express';
import { InputRefused } from './input-refused.js';
import { toProblem } from './error-mapping.js';
import { sendProblem } from './problem-handler.js';
import { toScimError } from '../scim/scim-error.js';
import { sendScim } from '../scim/respond.js';

// Text that is not Unicode (a lone UTF-16 surrogate such as \ud800, or bytes that are not
// UTF-8) is refused here: Redis's Lua cjson cannot decode it, and nothing downstream should
// have to care. Both walks are iterative and linear, whatever the nesting.

// String.prototype.isWellFormed and toWellFormed are Node 20's (ES2024); the project's lib is ES2022.
type Es2024String = { isWellFormed(): boolean; toWellFormed(): string };
const isWellFormed = (text: string) => (text as unknown as Es2024String).isWellFormed();
const toWellFormed = (text: string) => (text as unknown as Es2024String).toWellFormed();

type Frame = { value: unknown; key: string | number; parent: Frame | undefined };

function pathOf(frame: Frame | undefined): string {
  const parts: string[] = [];
  for (let f = frame; f && f.parent; f = f.parent) parts.push(typeof f.key === 'number' ? `[${f.key}]` : `.${f.key}`);
  const path = parts.reverse().join('').replace(/^\./, '');
  return path || 'body';
}

/** The path of the first string or key in a parsed JSON value that is not well-formed Unicode. */
export function malformedTextPath(root: unknown): string | undefined {
  const stack: Frame[] = [{ value: root, key: '', parent: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value } = frame;
    if (typeof value === 'string') {
      if (!isWellFormed(value)) return pathOf(frame);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i, parent: frame });
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      for (const key of keys)
        if (!isWellFormed(key)) return pathOf({ value: undefined, key: toWellFormed(key), parent: frame });
      // Pushed last to first, so that the first bad field in the document is the one named.
      for (let i = keys.length - 1; i >= 0; i--)
        stack.push({ value: (value as Record<string, unknown>)[keys[i]!], key: keys[i]!, parent: frame });
    }
  }
  return undefined;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const HEX = /^[0-9a-fA-F]{2}$/;

/** True when the raw query string's %-escapes decode to valid UTF-8 (%ED%A0%80, a surrogate, does not). */
function isUtf8Query(raw: string): boolean {
  if (!raw.includes('%')) return true;
  const bytes = new Uint8Array(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const pair = raw.slice(i + 1, i + 3);
    if (raw[i] === '%' && HEX.test(pair)) {
      bytes[n++] = parseInt(pair, 16);
      i += 2;
    } else {
      bytes[n++] = raw.charCodeAt(i) & 0xff;
    }
  }
  try {
    UTF8.decode(bytes.subarray(0, n));
    return true;
  } catch {
    return false;
  }
}

const decodedName = (name: string) => {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
};

const queryRefusal = (name: string) =>
  new InputRefused(
    'entity.malformed.text',
    `The query parameter ${name} is not valid UTF-8 text.`,
    name,
    name === 'filter' ? 'invalidFilter' : 'invalidValue',
  );

/**
 * Refuses a query string that is not UTF-8 text. Express's parser turns such bytes into U+FFFD
 * (so "%ED%A0%80" would silently become a different value), so the raw string is checked,
 * parameter by parameter, and then every parsed value.
 */
export function checkQuery(rawQuery: string, parsed: unknown): InputRefused | undefined {
  if (rawQuery && !isUtf8Query(rawQuery)) {
    for (const pair of rawQuery.split('&')) {
      const at = pair.indexOf('=');
      if (!isUtf8Query(pair)) {
        const name = at < 0 ? pair : pair.slice(0, at);
        return queryRefusal(isUtf8Query(name) ? decodedName(name) : 'name');
      }
    }
    return queryRefusal('string');
  }
  const path = malformedTextPath(parsed);
  return path === undefined ? undefined : queryRefusal(path === 'body' ? 'string' : path);
}

/**
 * Mounted once, before every router: a query string that is not UTF-8 text is a 400 in the
 * route's format (the SCIM Error schema under /scim/v2, a problem document elsewhere).
 */
export const wellFormedQuery: RequestHandler = (req, res, next) => {
  const at = req.originalUrl.indexOf('?');
  const refusal = at < 0 ? undefined : checkQuery(req.originalUrl.slice(at + 1), req.query);
  if (!refusal) return next();
  if (req.path === '/scim/v2' || req.path.startsWith('/scim/v2/')) sendScim(res, 400, toScimError(refusal)!.body());
  else sendProblem(res, toProblem(refusal)!);
};
