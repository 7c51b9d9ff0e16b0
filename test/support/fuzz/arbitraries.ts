import fc from 'fast-check';

// The hostile pieces the security review used, as fast-check arbitraries. Every generated value
// carries its verdict: whether a correct service must accept it (valid), must refuse it with a
// 4xx (invalid), or may do either (unknown: the RFC or the product leaves the choice open). A
// request's expectation is derived from the verdicts of its parts (see expectationOf), so each
// generator states what it knows once.
//
// Large values are written symbolically, ⟦rep N "s"⟧ (s repeated N times), and expanded only
// when the request is sent (route-cases.ts): a shrunk counterexample then reads
// `⟦rep 100000 "["⟧` instead of 100,000 brackets.

export type Verdict = 'valid' | 'invalid' | 'unknown';

export interface Tagged<V = string> {
  v: V;
  verdict: Verdict;
  /** Why a non-valid value is not valid, for the counterexample's reader. */
  why?: string;
}

export const valid = <V>(v: V): Tagged<V> => ({ v, verdict: 'valid' });
export const invalid = <V>(v: V, why: string): Tagged<V> => ({ v, verdict: 'invalid', why });
export const unknown = <V>(v: V, why: string): Tagged<V> => ({ v, verdict: 'unknown', why });

/** `s` repeated `n` times, expanded at send time. */
export const rep = (n: number, s: string) => `⟦rep ${n} ${JSON.stringify(s)}⟧`;

/** `text` with its ⟦rep⟧ parts expanded (other symbols are short and stay as they are). */
export const expandReps = (text: string) =>
  text.replace(/⟦rep (\d+) ("(?:[^"\\]|\\.)*")⟧/g, (_all, n: string, s: string) =>
    (JSON.parse(s) as string).repeat(Number(n)),
  );

/**
 * Percent-encoding that also carries lone surrogates (encodeURIComponent throws on them): as the
 * three bytes WTF-8 gives them, which no UTF-8 decoder accepts.
 */
export function encodeText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const high = unit >= 0xd800 && unit <= 0xdbff;
    const next = text.charCodeAt(i + 1);
    if (high && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else {
      out += encodeURIComponent(text[i]!);
    }
  }
  return out;
}

export const PROTO_NAMES = ['__proto__', 'constructor', 'prototype'] as const;
export const protoName = fc.constantFrom(...PROTO_NAMES);

export const LONE_SURROGATES = ['\ud800', '\udfff', '\udbff', '\udc00'] as const;
const loneSurrogate = fc.constantFrom(...LONE_SURROGATES);

/** Text of some printable characters, safe anywhere (names, filter values, search terms). */
export const plainWord = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,11}$/);

/** A display name the directory accepts (3–40 characters). */
export const personName = fc.stringMatching(/^[A-Z][a-z]{2,11}( [A-Z][a-z]{2,11})?$/);

/** Any string at all, lone surrogates and control characters included. */
export const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

/** Text with one lone surrogate somewhere in it. */
export const withLoneSurrogate = fc
  .tuple(fc.string({ maxLength: 8 }), loneSurrogate, fc.string({ maxLength: 8 }))
  .map(([a, s, b]) => `${a}${s}${b}`);

/** Strings a service must refuse as a stored attribute or a search term. */
export const hostileText: fc.Arbitrary<Tagged> = fc.oneof(
  withLoneSurrogate.map((v) => invalid(v, 'lone surrogate')),
  fc.constantFrom(rep(250_000, 'x'), rep(70_000, 'ab')).map((v) => invalid(v, 'huge string')),
  fc.integer({ min: 3000, max: 12_000 }).map((n) => invalid(rep(n, 'y'), 'over 2 KiB')),
);

/**
 * The same for a query string, which must fit Node's 16 KiB request head (beyond it Node itself
 * answers 431, before any route runs).
 */
export const hostileQueryText: fc.Arbitrary<Tagged> = fc.oneof(
  withLoneSurrogate.map((v) => invalid(v, 'lone surrogate')),
  fc.integer({ min: 3000, max: 8000 }).map((n) => invalid(rep(n, 'y'), 'over 2 KiB')),
);

// --- numbers in query strings and bodies ----------------------------------------------------

export const NASTY_NUMBERS = [
  '1e300',
  '-1e300',
  '1e-300',
  'NaN',
  'Infinity',
  '-Infinity',
  '9007199254740993',
  '0x10',
  '1.5',
  ' ',
  'abc',
  '1,2',
  '[]',
  '-0',
  '+1',
];

/** A query number for a parameter with the range [min, max]. */
export function queryNumber(min: number, max: number, outOfRange: Verdict): fc.Arbitrary<Tagged> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min, max }).map((n) => valid(String(n))) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom('NaN', 'Infinity', '-Infinity', 'abc', '1,2', '[]', ' x')
        .map((v) => invalid(v, 'not a number')),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.constantFrom('1e300', '-1e300', '-1', '9007199254740993', '1e-300', '1.5', '0x10', '-0'),
          fc.integer().map(String),
        )
        .map((v) => {
          const n = Number(v);
          const inRange = Number.isInteger(n) && n >= min && n <= max;
          // 0x10 or -0 is an integer in range, in another spelling: taking it is no hole.
          if (inRange) return /^\d+$/.test(v) ? valid(v) : unknown(v, 'an integer in range, oddly spelt');
          return { v, verdict: outOfRange, why: 'out of range or not an integer' };
        }),
    },
  );
}

// --- SCIM attribute paths, lists and filters ----------------------------------------------------

export const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const KNOWN_ATTRIBUTES = [
  'userName',
  'displayName',
  'active',
  'externalId',
  'id',
  'title',
  'name',
  'name.givenName',
  'name.familyName',
  'emails',
  'emails.value',
  'emails.primary',
  'meta',
  'meta.lastModified',
  `${CORE}:userName`,
  `${ENTERPRISE}:employeeNumber`,
];
export const knownAttribute = fc.constantFrom(...KNOWN_ATTRIBUTES);

/** Attribute paths with a __proto__/constructor/prototype segment somewhere. */
export const protoPath = fc.oneof(
  protoName.map((p) => `${p}.x`),
  fc.tuple(knownAttribute, protoName).map(([a, p]) => `${a}.${p}`),
  fc.tuple(protoName, plainWord).map(([p, w]) => `urn:x.${p}.${w}`),
  fc.tuple(protoName, plainWord).map(([p, w]) => `${CORE}:${p}.${w}`),
  protoName,
);

/** Attribute paths that are wrong in shape (not in name). */
// A quote left open, then what makes a backtracking string token fail only at the very end.
// Each character of the run doubles a backtracking lexer's time (scimmy's took 2.4 s at 27):
// 24–26 is far over the bound there, and still ends, so the suite fails instead of hanging.
const unclosedTail = fc.constantFrom('x', ' ', ',x', '\\');
const quoteRun = fc.integer({ min: 24, max: 26 });
const brokenPath = fc.oneof(
  fc.tuple(quoteRun, unclosedTail).map(([n, t]) => invalid(`"${rep(n, '\n')}${t}`, 'unclosed quote, many newlines')),
  fc.tuple(quoteRun, unclosedTail).map(([n, t]) => invalid(`"${rep(n, '\\"')}${t}`, 'escaped quotes, unclosed')),
  fc.tuple(quoteRun, unclosedTail).map(([n, t]) => invalid(`"\\"${rep(n, '\n')}${t}`, 'escaped quote, then newlines')),
  fc.integer({ min: 2000, max: 4000 }).map((n) => invalid(`urn:x${rep(n, '.a')}`, 'long urn path')),
  fc.integer({ min: 2000, max: 4000 }).map((n) => invalid(`a${rep(n, '.a')}`, 'many dotted segments')),
  withLoneSurrogate.map((v) => invalid(v, 'lone surrogate')),
);

/** One name in an attributes= / excludedAttributes= / sortBy= list. */
export const attributeName: fc.Arbitrary<Tagged> = fc.oneof(
  { weight: 4, arbitrary: knownAttribute.map(valid) },
  { weight: 3, arbitrary: protoPath.map((p) => invalid(p, 'prototype name')) },
  { weight: 2, arbitrary: brokenPath },
  { weight: 1, arbitrary: anyText.map((t) => unknown(t, 'arbitrary text')) },
);

/** An attributes= list: comma-joined names. */
export const attributeList: fc.Arbitrary<Tagged> = fc
  .array(attributeName, { minLength: 1, maxLength: 4 })
  .map(combine(','));

const comparisonOp = fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew');
const stringValue = plainWord.map((w) => JSON.stringify(w));
const simpleComparison = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('userName', 'displayName', 'externalId', 'emails.value', 'name.givenName', 'title'),
      comparisonOp,
      stringValue,
    )
    .map(([a, op, v]) => `${a} ${op} ${v}`),
  fc.boolean().map((b) => `active eq ${b}`),
  fc.constantFrom('title pr', 'externalId pr', 'emails[type eq "work"].value pr'),
);

/** Filters a SCIM service must accept (RFC 7644 §3.4.2.2 over attributes it knows). */
export const validFilter: fc.Arbitrary<string> = fc.letrec<{ f: string }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    simpleComparison,
    fc.tuple(tie('f'), fc.constantFrom('and', 'or'), tie('f')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('f').map((f) => `not (${f})`),
    tie('f').map((f) => `(${f})`),
  ),
})).f;

/** A filter= value: valid, or broken by one of the review's tricks. */
export const filterValue: fc.Arbitrary<Tagged> = fc.oneof(
  { weight: 4, arbitrary: validFilter.map(valid) },
  { weight: 2, arbitrary: fc.tuple(protoPath, stringValue).map(([p, v]) => invalid(`${p} eq ${v}`, 'prototype name')) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(quoteRun, unclosedTail)
      .map(([n, t]) => invalid(`userName eq "${rep(n, '\n')}${t}`, 'unclosed quote, many newlines')),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(quoteRun, unclosedTail)
      .map(([n, t]) => invalid(`userName eq "\\"${rep(n, '\n')}${t}`, 'escaped quote, then newlines')),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(quoteRun, unclosedTail)
      .map(([n, t]) => invalid(`userName eq "${rep(n, '\\"')}${t}`, 'escaped quotes, unclosed')),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(quoteRun, unclosedTail)
      .map(([n, t]) => invalid(`userName eq "${rep(n, '\\\n')}${t}`, 'escaped newlines, unclosed')),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('userName eq "\\q"', 'userName eq "a\tb"', 'userName eq "\\u12"')
      .map((v) => unknown(v, 'odd escape or raw tab inside quotes')),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 2000, max: 3000 })
      .map((n) => invalid(`${rep(n, '(')}userName eq "a"${rep(n, ')')}`, 'deep parentheses')),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 2000, max: 4000 }).map((n) => invalid(`urn:x${rep(n, '.a')} eq "a"`, 'long urn path')),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 2000, max: 3000 })
      .map((n) => invalid(`emails${rep(n, '[')}value eq "a"`, 'deep brackets')),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(plainWord, withLoneSurrogate)
      .map(([a, s]) => invalid(`userName eq ${JSON.stringify(a + s)}`, 'lone surrogate')),
  },
  { weight: 1, arbitrary: anyText.map((t) => unknown(t, 'arbitrary text')) },
);

/** Filters too big for a URL, for request bodies (.search): the review's full-size nesting. */
export const bodyFilterValue: fc.Arbitrary<Tagged> = fc.oneof(
  { weight: 3, arbitrary: filterValue },
  {
    weight: 1,
    arbitrary: fc.constant(invalid(`${rep(20_000, '(')}userName eq "a"${rep(20_000, ')')}`, '20,000 parentheses')),
  },
  { weight: 1, arbitrary: fc.constant(invalid(`urn:x${rep(20_000, '.a')} eq "a"`, '20,000-segment urn path')) },
  { weight: 1, arbitrary: fc.constant(invalid(`emails${rep(100_000, '[')}`, '100,000 brackets')) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(quoteRun, unclosedTail)
      .map(([n, t]) => invalid(`userName eq "\\"${rep(n, '\n')}${t}`, 'escaped quote, then many newlines')),
  },
);

/** PATCH paths: valid ones, and the review's (64,000 dotted segments, prototype names, filters). */
export const patchPath: fc.Arbitrary<Tagged> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('name.givenName', 'name.familyName', 'displayName', 'title').map(valid) },
  { weight: 2, arbitrary: protoPath.map((p) => invalid(p, 'prototype name')) },
  { weight: 1, arbitrary: fc.constant(invalid(`a${rep(64_000, '.a')}`, '64,000 dotted segments')) },
  {
    weight: 1,
    arbitrary: quoteRun.map((n) =>
      invalid(`emails[value eq "${rep(n, '\n')}].value`, 'unclosed quote in value filter'),
    ),
  },
  { weight: 1, arbitrary: quoteRun.map((n) => invalid(`"${rep(n, '\n')}x`, 'unclosed quote, many newlines')) },
  { weight: 1, arbitrary: fc.constant(invalid(`emails${rep(100_000, '[')}`, '100,000 brackets')) },
  { weight: 1, arbitrary: withLoneSurrogate.map((v) => invalid(v, 'lone surrogate')) },
);

// --- ids --------------------------------------------------------------------------------------

const uuid = fc.uuid({ version: 4 });

/** Path ids that name nothing: each must be a 4xx, never a key read as something else. */
export const foreignId: fc.Arbitrary<Tagged> = fc.oneof(
  uuid.map((u) => invalid(u, 'no such user')),
  uuid.map((u) => invalid(`${u}:sessions`, 'uuid with a key suffix')),
  fc
    .constantFrom(':sessions', 'sessions', '*', '..', '%00', '1', '0', 'null', 'undefined')
    .map((v) => invalid(v, 'not an id')),
  protoName.map((p) => invalid(p, 'prototype name')),
  withLoneSurrogate.map((v) => invalid(v, 'lone surrogate')),
  fc.constant(invalid(rep(3000, 'z'), 'long id')),
  anyText.filter((t) => t.length > 0 && t !== '.' && t !== '..').map((t) => invalid(t, 'arbitrary text')),
);

/** Job ids: BullMQ's own keys among them. */
export const jobId: fc.Arbitrary<Tagged> = fc.oneof(
  fc
    .constantFrom(
      'deactivation:meta',
      'meta',
      'id',
      'events',
      'wait',
      'active',
      'completed',
      'failed',
      'stalled-check',
      'marker',
      'repeat',
      'limiter',
      '1',
      '0',
    )
    .map((v) => invalid(v, 'a BullMQ key, not a job')),
  foreignId,
);

// --- JSON values --------------------------------------------------------------------------------

/** A JSON value of the wrong type for a string field. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e300, [], [[]], {}, ['a'], { value: 'a' }),
  fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== 'string'),
);

/** An object whose own key is __proto__ (as JSON.parse builds it), to carry into a JSON body. */
export const protoKeyed = (value: unknown = { polluted: 'yes' }) =>
  JSON.parse(`{"__proto__":${JSON.stringify(value)}}`) as Record<string, unknown>;

/** Raw JSON text nested `n` deep. */
export const deepJson = (n: number, open = '[', close = ']') => `${rep(n, open)}${rep(n, close)}`;

export function combine(separator: string) {
  return (parts: Tagged[]): Tagged => ({
    v: parts.map((p) => p.v).join(separator),
    verdict: verdictOf(parts),
    why:
      parts
        .filter((p) => p.why)
        .map((p) => p.why)
        .join('; ') || undefined,
  });
}

/** The verdict of a request made of these parts: one invalid part makes it invalid. */
export function verdictOf(parts: Tagged<unknown>[]): Verdict {
  if (parts.some((p) => p.verdict === 'invalid')) return 'invalid';
  if (parts.some((p) => p.verdict === 'unknown')) return 'unknown';
  return 'valid';
}
