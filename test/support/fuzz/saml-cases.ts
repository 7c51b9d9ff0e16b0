import fc from 'fast-check';
import { anyText, invalid, rep, unknown, withLoneSurrogate, type Tagged } from './arbitraries.js';
import { type RouteCase, routeCase, visibleAscii } from './case-kit.js';

// Generated form posts to the SAML ACS (see case-kit.ts for what a case is).

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const RESPONSE_HEAD =
  '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z">';

/** SAMLResponse values no IdP signed. */
const forgedResponse: fc.Arbitrary<Tagged> = fc.oneof(
  visibleAscii.map((v) => invalid(v, 'not base64 of a response')),
  anyText.map((v) => invalid(v, 'arbitrary text')),
  fc.constant(invalid(rep(70_000, 'A'), 'over the body limit')),
  fc.constant(
    invalid(
      b64(
        `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "${'a'.repeat(50)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>${RESPONSE_HEAD}&c;</samlp:Response>`,
      ),
      'DOCTYPE with entities',
    ),
  ),
  fc.constant(
    invalid(
      b64(`<?xml version="1.0"?><!DOCTYPE r SYSTEM "file:///etc/passwd">${RESPONSE_HEAD}</samlp:Response>`),
      'external DOCTYPE',
    ),
  ),
  fc
    .integer({ min: 1000, max: 10_000 })
    .map((n) => invalid(b64(`${RESPONSE_HEAD}${'<a>'.repeat(n)}${'</a>'.repeat(n)}</samlp:Response>`), 'deep XML')),
  fc.constant(
    invalid(
      b64(
        `${RESPONSE_HEAD}<saml:Assertion ID="__proto__"><saml:Subject><saml:NameID>constructor</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>`,
      ),
      'unsigned, prototype names',
    ),
  ),
  fc.constant(invalid(b64('<samlp:Response'), 'truncated XML')),
  withLoneSurrogate.map((v) => invalid(v, 'lone surrogate')),
);

/** Signed responses made at start-up (target.ts); the first use of each may sign in, the next is a replay. */
export const SIGNED_RESPONSES = 6;
const signedResponse = fc
  .integer({ min: 0, max: SIGNED_RESPONSES - 1 })
  .map((i) =>
    i === SIGNED_RESPONSES - 1
      ? invalid(`⟦signed ${i}⟧`, "new NameID with the admin's email")
      : unknown(`⟦signed ${i}⟧`, 'signed: first use signs in, then replay'),
  );

const relayState = fc.option(
  fc.oneof(
    fc.constantFrom(
      '/',
      '/dashboard',
      '//evil.test',
      'https://evil.test/',
      'javascript:alert(1)',
      '/\\evil.test',
      '__proto__',
      rep(5000, '/a'),
    ),
    anyText,
    withLoneSurrogate,
  ),
  { nil: null },
);

export const samlCase: fc.Arbitrary<RouteCase> = fc
  .oneof(
    { weight: 5, arbitrary: fc.record({ response: forgedResponse, relay: relayState }) },
    { weight: 1, arbitrary: fc.record({ response: signedResponse, relay: relayState }) },
  )
  .chain((r) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constant(r) },
      // Form-level tricks: too many fields, a repeated field, no SAMLResponse at all.
      {
        weight: 1,
        arbitrary: fc.constant({
          ...r,
          extra: Array.from({ length: 12 }, (_, i) => [`f${i}`, 'x'] as [string, string]),
          why: 'too many fields',
        }),
      },
      {
        weight: 1,
        arbitrary: fc.constant({
          ...r,
          extra: [['SAMLResponse', 'again']] as [string, string][],
          why: 'SAMLResponse twice',
        }),
      },
      { weight: 1, arbitrary: fc.constant({ response: invalid('', 'empty SAMLResponse'), relay: r.relay }) },
    ),
  )
  .map((r) => {
    const form: [string, string][] = [['SAMLResponse', r.response.v]];
    if (r.relay !== null) form.push(['RelayState', r.relay]);
    const extra = 'extra' in r ? r.extra : [];
    form.push(...extra);
    const parts: Tagged<unknown>[] = [r.response];
    if ('why' in r) parts.push(invalid(null, r.why));
    return routeCase(
      { family: 'saml', route: 'POST /saml/acs', method: 'POST', path: '/saml/acs', body: { form }, auth: 'none' },
      parts,
    );
  });
