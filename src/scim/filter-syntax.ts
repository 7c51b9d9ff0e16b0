import { ScimError } from './scim-error.js';
import { parseAttributePath, notAPath, MAX_PATH_LENGTH, type AttributePath } from './attribute-path.js';

// RFC 7644 §3.4.2.2 filters, parsed here rather than by scimmy: scimmy's lexer backtracks
// exponentially on an unclosed quote, writes `__proto__` paths onto Object.prototype, recurses
// without bound and accepts malformed filters (`userName eq`, a trailing `and`). This scanner is
// one linear pass, attribute names follow attribute-path.ts, and length and nesting are bounded.
// Also accepts `emails[type eq "work"].value eq "x"`, which IdPs send.

export const MAX_FILTER_LENGTH = 4096;
export const MAX_FILTER_DEPTH = 32;

export type Operator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'lt' | 'ge' | 'le' | 'pr';
export type Literal = string | number | boolean | null;

export type FilterNode =
  | { kind: 'and' | 'or'; items: FilterNode[] }
  | { kind: 'not'; item: FilterNode }
  | { kind: 'compare'; path: AttributePath; op: Operator; value?: Literal }
  /** attr[filter]: some value of the multi-valued (or the complex) attribute matches the filter. */
  | { kind: 'valuePath'; path: AttributePath; filter: FilterNode };

type Token = {
  kind: '(' | ')' | '[' | ']' | 'value' | 'op' | 'logic' | 'not' | 'sub' | 'attr';
  text: string;
  value?: Literal;
};

const OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le', 'pr']);
const LITERALS: Record<string, Literal> = { true: true, false: false, null: null };
const WORD_CHAR = /[\w$:.+-]/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const HEX4 = /^[0-9a-fA-F]{4}$/;

type Refuse = (why: string) => ScimError;
const invalidFilter: Refuse = (why) => new ScimError(400, `Invalid filter: ${why}.`, 'invalidFilter');

/**
 * A JSON string literal (RFC 8259 §7, as RFC 7644 says filter strings are) starting at the quote
 * at `at`: its value and the index after its closing quote. One pass, no backtracking.
 */
export function readStringLiteral(
  text: string,
  at: number,
  refuse: Refuse = invalidFilter,
): { value: string; end: number } {
  let value = '';
  let chunk = at + 1;
  for (let i = chunk; i < text.length;) {
    const code = text.charCodeAt(i);
    if (code === 0x22) {
      value += text.slice(chunk, i);
      if (LONE_SURROGATE.test(value)) throw refuse('a string holds a lone surrogate');
      return { value, end: i + 1 };
    }
    if (code < 0x20)
      throw refuse(
        `a control character (such as a tab or a newline) inside a string must be escaped, at position ${i + 1}`,
      );
    if (code !== 0x5c) {
      i++;
      continue;
    }
    value += text.slice(chunk, i);
    const escape = text[i + 1] ?? '';
    if (escape === 'u' && HEX4.test(text.slice(i + 2, i + 6))) {
      value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
      i += 6;
    } else if (Object.hasOwn(ESCAPES, escape)) {
      value += ESCAPES[escape];
      i += 2;
    } else {
      throw refuse(`"\\${escape}" at position ${i + 1} is not a JSON string escape`);
    }
    chunk = i;
  }
  throw refuse(`the string starting at position ${at + 1} is not closed`);
}

function tokenize(text: string, refuse: Refuse): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < text.length;) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ kind: c, text: c });
      i++;
    } else if (c === '"') {
      const { value, end } = readStringLiteral(text, i, refuse);
      tokens.push({ kind: 'value', value, text: text.slice(i, end) });
      i = end;
    } else {
      const start = i;
      while (i < text.length && WORD_CHAR.test(text[i]!)) i++;
      if (i === start) throw refuse(`unexpected character at position ${i + 1}`);
      tokens.push(classify(text.slice(start, i), refuse));
    }
  }
  return tokens;
}

function classify(word: string, refuse: Refuse): Token {
  const lower = word.toLowerCase();
  if (/^-?\d/.test(word)) {
    const value = Number(word);
    if (!NUMBER.test(word) || !Number.isFinite(value)) throw refuse(`"${word.slice(0, 40)}" is not a number`);
    return { kind: 'value', value, text: word };
  }
  if (word.startsWith('.')) return { kind: 'sub', text: word.slice(1) };
  if (OPS.has(lower)) return { kind: 'op', text: lower };
  if (lower === 'and' || lower === 'or') return { kind: 'logic', text: lower };
  if (lower === 'not') return { kind: 'not', text: lower };
  if (Object.hasOwn(LITERALS, lower)) return { kind: 'value', value: LITERALS[lower]!, text: lower };
  return { kind: 'attr', text: word };
}

const near = (token: Token | undefined) =>
  token === undefined ? ' at the end' : ` before "${token.text.slice(0, 40)}"`;

/** Recursive descent over the tokens; every level of nesting is counted against MAX_FILTER_DEPTH. */
class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly refuse: Refuse,
  ) {}

  private peek = () => this.tokens[this.i];
  private take(kind: Token['kind'], what: string): Token {
    const token = this.tokens[this.i];
    if (token?.kind !== kind) throw this.refuse(`expected ${what}${near(token)}`);
    this.i++;
    return token;
  }

  end(): void {
    if (this.i < this.tokens.length) throw this.refuse(`unexpected${near(this.tokens[this.i]).replace(' before', '')}`);
  }

  expression(depth: number, inValuePath: boolean): FilterNode {
    if (depth > MAX_FILTER_DEPTH) throw this.refuse(`it is nested more than ${MAX_FILTER_DEPTH} levels deep`);
    return this.list('or', () => this.list('and', () => this.term(depth, inValuePath)));
  }

  private list(logic: 'and' | 'or', item: () => FilterNode): FilterNode {
    const items = [item()];
    for (let token = this.peek(); token?.kind === 'logic' && token.text === logic; token = this.peek()) {
      this.i++;
      items.push(item());
    }
    return items.length === 1 ? items[0]! : { kind: logic, items };
  }

  private term(depth: number, inValuePath: boolean): FilterNode {
    if (this.peek()?.kind === 'not') {
      this.i++;
      this.take('(', '"(" after not');
      const item = this.expression(depth + 1, inValuePath);
      this.take(')', '")"');
      return { kind: 'not', item };
    }
    if (this.peek()?.kind === '(') {
      this.i++;
      const item = this.expression(depth + 1, inValuePath);
      this.take(')', '")"');
      return item;
    }
    const path = this.attribute();
    if (this.peek()?.kind === '[') {
      if (inValuePath) throw this.refuse('a value filter "[...]" cannot hold another one');
      this.i++;
      const filter = this.expression(depth + 1, true);
      this.take(']', '"]"');
      if (path.sub !== undefined) throw this.refuse('a value filter "[...]" follows an attribute, not a sub-attribute');
      if (this.peek()?.kind !== 'sub') return { kind: 'valuePath', path, filter };
      const sub = this.subAttribute();
      return { kind: 'valuePath', path, filter: { kind: 'and', items: [filter, this.comparison(sub)] } };
    }
    return this.comparison(path);
  }

  private attribute(): AttributePath {
    const { text } = this.take('attr', 'an attribute');
    const path = parseAttributePath(text);
    if (!path) throw this.refuse(`"${text.slice(0, 40)}" is not an attribute name`);
    return path;
  }

  /** `.name` after `]`. */
  subAttribute(): AttributePath {
    const { text } = this.take('sub', 'a sub-attribute');
    const path = parseAttributePath(text);
    if (!path || path.schema !== undefined || path.sub !== undefined)
      throw this.refuse(`".${text.slice(0, 40)}" is not a sub-attribute`);
    return path;
  }

  private comparison(path: AttributePath): FilterNode {
    const op = this.take('op', 'an operator (eq, ne, co, sw, ew, gt, lt, ge, le, pr)').text as Operator;
    if (op === 'pr') return { kind: 'compare', path, op };
    const { value } = this.take('value', `a value after ${op}`);
    return { kind: 'compare', path, op, value: value! };
  }

  /** A PATCH path: attrPath, or attrPath "[" valFilter "]" ["." ATTRNAME] (RFC 7644 §3.5.2). */
  patchPath(raw: string): void {
    const { text } = this.take('attr', 'an attribute');
    const path = parseAttributePath(text, { bareSchema: true });
    if (!path) throw notAPath(text, 'path');
    if (this.peek()?.kind === '[') {
      if (path.name === undefined || path.sub !== undefined) throw notAPath(raw, 'path');
      this.i++;
      this.expression(1, true);
      this.take(']', '"]"');
      if (this.peek()?.kind === 'sub') this.subAttribute();
    }
    this.end();
  }
}

/** The filter as a tree; throws 400 invalidFilter unless it follows the grammar within the bounds. */
export function parseFilter(filter: string): FilterNode {
  if (filter.length > MAX_FILTER_LENGTH) throw invalidFilter(`it is longer than ${MAX_FILTER_LENGTH} characters`);
  const tokens = tokenize(filter, invalidFilter);
  if (tokens.length === 0) throw invalidFilter('it is empty');
  const parser = new Parser(tokens, invalidFilter);
  const tree = parser.expression(1, false);
  parser.end();
  return tree;
}

/**
 * Throws 400 invalidPath unless a PATCH operation's path (or a key of a path-less value) follows
 * RFC 7644 §3.5.2 within MAX_PATH_LENGTH. scimmy then reads its value filter with its own
 * lexer, so no backslash or control character may reach it: those are what it backtracks on
 * (and it misreads escaped quotes anyway).
 */
export function checkPatchPath(path: string): void {
  const refuse: Refuse = (why) => new ScimError(400, `Invalid path: ${why}.`, 'invalidPath');
  if (path.length > MAX_PATH_LENGTH) throw refuse(`it is longer than ${MAX_PATH_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(path)) throw refuse('a path may hold no backslash or control character');
  new Parser(tokenize(path, refuse), refuse).patchPath(path);
}
