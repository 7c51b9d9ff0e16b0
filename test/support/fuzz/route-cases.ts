import type fc from 'fast-check';
import { adminCase } from './admin-cases.js';
import { authCase } from './auth-cases.js';
import type { Family, RouteCase } from './case-kit.js';
import { samlCase } from './saml-cases.js';
import { scimCase } from './scim-cases.js';

// Every route family's generated requests, by family: what the spec, the bench and the
// frozen-prototype child all draw from.

export { FAMILIES, type Auth, type Body, type Expectation, type Family, type RouteCase } from './case-kit.js';
export { entraUser, oktaUser } from './scim-cases.js';
export { SIGNED_RESPONSES } from './saml-cases.js';

export const CASES: Record<Family, fc.Arbitrary<RouteCase>> = {
  scim: scimCase,
  admin: adminCase,
  auth: authCase,
  saml: samlCase,
};
