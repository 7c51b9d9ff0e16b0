import { ScimError } from './scim-error.js';

// RFC 7644 §3.4.2.2 filter grammar, checked strictly before scimmy parses the filter:
// scimmy's parser accepts some malformed filters (`userName eq`, a trailing `and`).
// Also accepts `emails[type eq "work"].value eq "x"`, which IdPs send.

type Token = { kind: 'op' | 'logic' | 'not' | 'value' | 'attr' | 'sub' | '(' | ')' | '[' | ']'; text: string };

const TOKEN = new RegExp([
  '\\s+',
  '(?<paren>[()\\[\\]])',
  '(?<string>"(?:[^"\\\\]|\\\\.)*")',
  '(?<number>-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?(?![\\w.:]))',
  '(?<word>(?:urn:[^\\s()\\[\\]]+)|(?:[A-Za-z$][\\w$-]*(?:\\.[A-Za-z$][\\w$-]*)*))',
  '(?<sub>\\.[A-Za-z$][\\w$-]*)',
].join('|'), 'y');

const OPS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le', 'pr']);
const LITERALS = new Set(['true', 'false', 'null']);

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < filter.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(filter);
    if (!match) throw invalid(`unexpected character at position ${at + 1}`);
    const g = match.groups!;
    if (g.paren) tokens.push({ kind: g.paren as Token['kind'], text: g.paren });
    else if (g.string || g.number) tokens.push({ kind: 'value', text: match[0] });
    else if (g.sub) tokens.push({ kind: 'sub', text: g.sub });
    else if (g.word) {
      const lower = g.word.toLowerCase();
      if (OPS.has(lower)) tokens.push({ kind: 'op', text: lower });
      else if (lower === 'and' || lower === 'or') tokens.push({ kind: 'logic', text: lower });
      else if (lower === 'not') tokens.push({ kind: 'not', text: lower });
      else if (LITERALS.has(lower)) tokens.push({ kind: 'value', text: lower });
      else tokens.push({ kind: 'attr', text: g.word });
    }
  }
  return tokens;
}

const invalid = (why: string) => new ScimError(400, `Invalid filter: ${why}.`, 'invalidFilter');

/** Throws 400 invalidFilter unless the filter follows the grammar. */
export function checkFilterSyntax(filter: string): void {
  const tokens = tokenize(filter);
  let i = 0;
  const peek = () => tokens[i];
  const take = (kind: Token['kind'], what: string) => {
    const token = tokens[i];
    if (token?.kind !== kind) throw invalid(`expected ${what}${token ? ` before "${token.text}"` : ' at the end'}`);
    i++;
    return token;
  };

  function expression(): void {
    term();
    while (peek()?.kind === 'logic') {
      i++;
      term();
    }
  }
  function term(): void {
    if (peek()?.kind === 'not') {
      i++;
      take('(', '"(" after not');
      expression();
      take(')', '")"');
      return;
    }
    if (peek()?.kind === '(') {
      i++;
      expression();
      take(')', '")"');
      return;
    }
    take('attr', 'an attribute');
    if (peek()?.kind === '[') {
      i++;
      expression();
      take(']', '"]"');
      if (peek()?.kind !== 'sub') return;
      i++;
    }
    const op = take('op', 'an operator (eq, ne, co, sw, ew, gt, lt, ge, le, pr)');
    if (op.text !== 'pr') take('value', `a value after ${op.text}`);
  }

  if (tokens.length === 0) throw invalid('it is empty');
  expression();
  if (i < tokens.length) throw invalid(`unexpected "${tokens[i]!.text}"`);
}
