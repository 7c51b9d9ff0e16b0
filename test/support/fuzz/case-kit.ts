import fc from 'fast-check';
import {
  encodeText,
  expandReps,
  hostileText,
  invalid,
  protoKeyed,
  protoName,
  valid,
  verdictOf,
  wrongType,
  type Tagged,
  type Verdict,
} from './arbitraries.js';

// One generated request to a route, with what a correct service must answer. Symbolic parts
// are expanded when it is sent (target.ts): ⟦rep N "s"⟧, ⟦n⟧ (a number unique to this send),
// ⟦scimUser⟧ / ⟦user⟧ (ids of fixture users), ⟦userEmail⟧, ⟦signed i⟧ (a signed SAML response).

export type Family = 'scim' | 'admin' | 'auth' | 'saml';
export const FAMILIES: readonly Family[] = ['scim', 'admin', 'auth', 'saml'];

/** ok: a 2xx (a 302 for the ACS); refused: a 4xx in the route's format; answered: either. */
export type Expectation = 'ok' | 'refused' | 'answered';

/** Which credentials the request carries: the fixture's, or these literal headers. */
export type Auth = 'admin' | 'scim' | 'user' | 'none' | { authorization?: string; cookie?: string; origin?: string };

export type Body = { json: unknown } | { raw: string; type: string } | { form: [string, string][] };

export interface RouteCase {
  family: Family;
  /** The route as documented, e.g. PATCH /scim/v2/Users/:id. */
  route: string;
  method: string;
  /** The path with :id in it where the route has one. */
  path: string;
  id?: string;
  query?: [string, string][];
  body?: Body;
  auth: Auth;
  expect: Expectation;
  why?: string;
}

// Beyond 16 KiB of request head Node answers 431 itself, before any route runs: keep under it.
const URL_BUDGET = 12_000;
export const fitsUrl = (c: RouteCase) =>
  encodeText(expandReps(`${c.id ?? ''}${(c.query ?? []).flat().join('')}`)).length < URL_BUDGET;

export const expectationOf = (verdict: Verdict): Expectation =>
  verdict === 'valid' ? 'ok' : verdict === 'invalid' ? 'refused' : 'answered';

export function routeCase(base: Omit<RouteCase, 'expect' | 'why'>, parts: Tagged<unknown>[]): RouteCase {
  const why = parts
    .filter((p) => p.why)
    .map((p) => p.why)
    .join('; ');
  return { ...base, expect: expectationOf(verdictOf(parts)), ...(why ? { why } : {}) };
}

/** Optional query parameters: each present or not, in the order given. */
export function queryOf(entries: [string, Tagged | null][]): { query: [string, string][]; parts: Tagged[] } {
  const present = entries.filter((e): e is [string, Tagged] => e[1] !== null);
  return { query: present.map(([k, t]) => [k, t.v]), parts: present.map(([, t]) => t) };
}

// Credentials that are not the route's: each gets a 401 or a 403.
export const visibleAscii = fc.stringMatching(/^[!-~]{0,60}$/);
export const wrongCredentials = (family: Family): fc.Arbitrary<{ auth: Auth; part: Tagged<unknown> }> =>
  fc.oneof(
    fc.constant({ auth: 'none' as Auth, part: invalid(null, 'no credentials') }),
    visibleAscii.map((t) => ({
      auth: { authorization: `Bearer ${t}` } as Auth,
      part: invalid(null, 'garbage bearer token'),
    })),
    fc
      .constantFrom('Bearer', 'Basic YWRtaW46YWRtaW4=', 'bearer  ', `Bearer ${'a'.repeat(5000)}`)
      .map((h) => ({ auth: { authorization: h } as Auth, part: invalid(null, 'malformed authorization') })),
    visibleAscii.map((t) => ({
      auth: { cookie: `rune_session=${t.replace(/[;,]/g, '')}` } as Auth,
      part: invalid(null, 'garbage session cookie'),
    })),
    fc.constant({
      auth: (family === 'scim' ? 'admin' : 'scim') as Auth,
      part: invalid(null, 'the other kind of token'),
    }),
  );

/** The route's credentials (mostly) or wrong ones. */
export function credentials(family: Family, right: Auth): fc.Arbitrary<{ auth: Auth; part: Tagged<unknown> | null }> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant({ auth: right, part: null }) },
    { weight: 1, arbitrary: wrongCredentials(family) },
  );
}
export const withAuth = (c: { auth: Auth; part: Tagged<unknown> | null }, parts: Tagged<unknown>[]) =>
  c.part ? [...parts, c.part] : parts;

// --- one field of a valid body replaced -------------------------------------------------------

type Mutation =
  { key: string; value: unknown; part: Tagged<unknown> } | { key: string; remove: true; part: Tagged<unknown> };

/** Replaces or removes one field (a /-separated path); `required` fields refuse a wrong type or removal. */
export function mutateOne(
  body: Record<string, unknown>,
  fields: { key: string; required: boolean; string: boolean }[],
): fc.Arbitrary<{ body: Record<string, unknown>; part: Tagged<unknown> }> {
  const field = fc.constantFrom(...fields);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.tuple(field, wrongType).map(([f, v]) => ({
      key: f.key,
      value: v,
      part: { v, verdict: f.required ? 'invalid' : 'unknown', why: `${f.key}: wrong type` } as Tagged<unknown>,
    })),
    fc
      .tuple(
        field.filter((f) => f.string),
        hostileText,
      )
      .map(([f, t]) => ({ key: f.key, value: t.v, part: { ...t, why: `${f.key}: ${t.why}` } })),
    fc
      .tuple(
        field.filter((f) => f.string),
        protoName,
      )
      .map(([f, p]) => ({
        key: f.key,
        value: f.key.includes('mail') || f.key === 'userName' ? `${p}⟦n⟧@corp.test` : `${p}⟦n⟧`,
        part: valid(p),
      })),
    field.map((f) => ({
      key: f.key,
      remove: true as const,
      part: {
        v: null,
        verdict: f.required ? 'invalid' : 'valid',
        why: f.required ? `${f.key} missing` : undefined,
      } as Tagged<unknown>,
    })),
  );
  return mutation.map((m) => {
    const copy = structuredClone(body);
    const path = m.key.split('/');
    let at: any = copy;
    for (const segment of path.slice(0, -1)) at = at[/^\d+$/.test(segment) ? Number(segment) : segment];
    const last = path[path.length - 1]!;
    if ('remove' in m) delete at[last];
    else at[/^\d+$/.test(last) ? Number(last) : last] = m.value;
    return { body: copy, part: m.part };
  });
}

/** An own __proto__ / constructor key added to a body. */
export function withProtoKey(
  body: Record<string, unknown>,
  verdict: Verdict,
): fc.Arbitrary<{ body: Record<string, unknown>; part: Tagged<unknown> }> {
  return fc
    .tuple(protoName, fc.constantFrom<unknown>({ active: false }, { role: 'admin' }, { polluted: 'yes' }, 'x'))
    .map(([name, value]) => {
      const extra = name === '__proto__' ? protoKeyed(value) : { [name]: value };
      return { body: { ...body, ...extra }, part: { v: name, verdict, why: `own ${name} key` } };
    });
}

/** A real user's id with a key suffix: read as is, it names another key of theirs (WRONGTYPE). */
export const suffixedId = (symbol: string) =>
  fc
    .constantFrom(':sessions', ':x', ':', '*', ' ', '%00')
    .map((suffix) => invalid(`${symbol}${suffix}`, 'a real id with a key suffix'));
