import fc from 'fast-check';
import {
  deepJson,
  hostileText,
  invalid,
  plainWord,
  protoKeyed,
  protoName,
  rep,
  valid,
  withLoneSurrogate,
  wrongType,
  type Tagged,
} from './arbitraries.js';
import { type Auth, type RouteCase, routeCase, withAuth, wrongCredentials, credentials } from './case-kit.js';

// Generated requests to every /auth route (see case-kit.ts for what a case is).

const someEmail = fc.oneof(
  { weight: 3, arbitrary: plainWord.map((w) => valid(`${w}@corp.test`)) },
  { weight: 1, arbitrary: fc.constant(valid('⟦userEmail⟧')) },
  { weight: 1, arbitrary: protoName.map((p) => valid(`${p}@corp.test`)) },
);
const loginBody = fc.record({
  email: fc.oneof(
    { weight: 3, arbitrary: someEmail as fc.Arbitrary<Tagged<unknown>> },
    { weight: 1, arbitrary: hostileText as fc.Arbitrary<Tagged<unknown>> },
    { weight: 1, arbitrary: wrongType.map((v) => invalid(v, 'email: wrong type')) },
  ),
  password: fc.oneof(
    { weight: 3, arbitrary: plainWord.map((w) => valid<unknown>(`wrong-${w}`)) },
    { weight: 1, arbitrary: hostileText as fc.Arbitrary<Tagged<unknown>> },
    { weight: 1, arbitrary: wrongType.map((v) => invalid(v, 'password: wrong type')) },
  ),
  extra: fc.option(protoName, { freq: 6, nil: null }),
});

const authLogin = fc.oneof(
  {
    weight: 5,
    arbitrary: loginBody.map((b) => {
      const extra =
        b.extra === null
          ? {}
          : b.extra === '__proto__'
            ? protoKeyed({ role: 'admin' })
            : { [b.extra]: { role: 'admin' } };
      const json: Record<string, unknown> = { email: b.email.v, password: b.password.v, ...extra };
      // No generated password is anyone's: every login is refused (401, 400 or 429).
      return routeCase(
        {
          family: 'auth',
          route: 'POST /auth/login',
          method: 'POST',
          path: '/auth/login',
          body: { json },
          auth: 'none',
        },
        [b.email, b.password, invalid(null, 'wrong password')],
      );
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        '{',
        'null',
        '[]',
        deepJson(100_000),
        `{"email":${deepJson(5000)}}`,
        `{"email":"a\\ud800@corp.test","password":"x"}`,
        `{"email":"${rep(20_000, 'e')}","password":"x"}`,
      )
      .map((raw) =>
        routeCase(
          {
            family: 'auth',
            route: 'POST /auth/login',
            method: 'POST',
            path: '/auth/login',
            body: { raw, type: 'application/json' },
            auth: 'none',
          },
          [invalid(raw, 'not a login')],
        ),
      ),
  },
);

const authPassword = fc
  .record({
    creds: credentials('auth', 'user'),
    current: fc.option(
      fc.oneof(
        plainWord.map((w) => `not-it-${w}`),
        withLoneSurrogate,
        fc.constant(rep(5000, 'p')),
      ),
      { freq: 5, nil: null },
    ),
    next: fc.oneof(
      fc.constant('a much longer new passphrase ⟦n⟧'),
      plainWord,
      withLoneSurrogate,
      fc.constant(rep(5000, 'p')),
      wrongType as fc.Arbitrary<unknown>,
    ),
    confirm: fc.option(fc.oneof(plainWord, wrongType as fc.Arbitrary<unknown>), { freq: 4, nil: null }),
  })
  .map((r) => {
    const json: Record<string, unknown> = { newPassword: r.next };
    if (r.current !== null) json.currentPassword = r.current;
    if (r.confirm !== null) json.confirmPassword = r.confirm;
    // The current password is never the right one: every change is refused.
    return routeCase(
      {
        family: 'auth',
        route: 'POST /auth/password',
        method: 'POST',
        path: '/auth/password',
        body: { json },
        auth: r.creds.auth,
      },
      withAuth(r.creds, [invalid(null, 'wrong or missing current password')]),
    );
  });

const authSession = credentials('auth', 'user').map((c) =>
  routeCase(
    { family: 'auth', route: 'GET /auth/session', method: 'GET', path: '/auth/session', auth: c.auth },
    withAuth(c, []),
  ),
);

// Only wrong credentials: a right one would end the session the other cases use. A cookie
// without Origin is the CSRF case, refused whatever the cookie.
const authLogout = fc.oneof(
  wrongCredentials('auth').map((c) =>
    routeCase({ family: 'auth', route: 'POST /auth/logout', method: 'POST', path: '/auth/logout', auth: c.auth }, [
      c.part,
    ]),
  ),
  fc
    .constantFrom<Auth>(
      { cookie: 'rune_session=⟦userToken⟧' },
      { cookie: 'rune_session=⟦userToken⟧', origin: 'https://evil.test' },
      { cookie: 'rune_session=⟦userToken⟧', origin: 'null' },
    )
    .map((auth) =>
      routeCase({ family: 'auth', route: 'POST /auth/logout', method: 'POST', path: '/auth/logout', auth }, [
        invalid(null, 'cookie without our Origin (CSRF)'),
      ]),
    ),
);

export const authCase: fc.Arbitrary<RouteCase> = fc.oneof(
  { weight: 4, arbitrary: authLogin },
  { weight: 2, arbitrary: authPassword },
  { weight: 1, arbitrary: authSession },
  { weight: 1, arbitrary: authLogout },
);
