// Every refusal the service answers, declared once: the admin API and /auth (problem+json),
// SCIM, SAML, the CLI and the job outcomes all render from this table, so a new refusal is one
// entry here (plus the script or function that raises it).
//
// Each entry says:
//   status     the HTTP status of its problem document (/api/v1, /auth, /saml);
//   message    its plain words for people (what the console and the CLI show);
//   raisedBy   who may raise it: the directory (a Lua script or a directory command), sign-in
//              (auth) or SAML sign-in; the error classes take their code types from this;
//   scim       where SCIM can meet it: its SCIM status and scimType, and its SCIM words when
//              they differ (a directory refusal without one is a SCIM 400 invalidValue);
//   specific   the raiser's own words say more than the message (a field list, a version), so
//              a directory refusal keeps them; otherwise people read the message;
//   retryAfter seconds, for the refusals that may be tried again.
// Its problem `type` is urn:rune-directory:problem:<code> (problemType below).

type Raiser = 'directory' | 'auth' | 'saml';

export interface RefusalSpec {
  readonly status: number;
  readonly message: string;
  readonly raisedBy?: readonly Raiser[];
  readonly scim?: { readonly status: number; readonly scimType?: string; readonly detail?: string };
  readonly specific?: boolean;
  readonly retryAfter?: number;
}

const D = ['directory'] as const;
const A = ['auth'] as const;
const S = ['saml'] as const;

const uniqueness = (detail: string) => ({ status: 409, scimType: 'uniqueness', detail });

export const REFUSALS = {
  // The directory's rules and lookups (src/directory/scripts/*.lua, src/directory/commands).
  not_found: { status: 404, message: 'No such resource.', raisedBy: D, scim: { status: 404 }, specific: true },
  validation_failed: {
    status: 400,
    message: 'Some fields are not valid.',
    raisedBy: D,
    scim: { status: 400, scimType: 'invalidValue' },
    specific: true,
  },
  email_taken: {
    status: 409,
    message: 'A user with this email already exists.',
    raisedBy: D,
    scim: uniqueness('A user with this email already exists.'),
  },
  username_taken: {
    status: 409,
    message: 'A user with this userName already exists.',
    raisedBy: D,
    scim: uniqueness('A user with this userName already exists.'),
  },
  conflict: {
    status: 409,
    message: 'Another user already holds this identity.',
    raisedBy: D,
    scim: { status: 409, scimType: 'uniqueness' },
    specific: true,
  },
  version_mismatch: {
    status: 412,
    message: 'The user changed since the version you read.',
    raisedBy: D,
    scim: { status: 412, detail: 'The resource changed since the version in If-Match.' },
    specific: true,
  },
  last_active_admin: {
    status: 409,
    message: 'This is the last active admin: promote another user to admin first.',
    raisedBy: D,
    scim: {
      status: 409,
      detail:
        'This user is the last active admin of the organization; promote another user to admin in Rune before deactivating, demoting or deleting them.',
    },
  },
  // SCIM groups (src/directory/scripts/group-write.lua): displayName is unique, case-insensitively.
  group_name_taken: {
    status: 409,
    message: 'A group with this displayName already exists.',
    raisedBy: D,
    scim: uniqueness('A group with this displayName already exists (displayName is unique, case-insensitively).'),
  },
  group_member_invalid: {
    status: 400,
    message: 'A member is no user the identity provider manages.',
    raisedBy: D,
    scim: { status: 400, scimType: 'invalidValue' },
    specific: true,
  },
  cannot_deactivate_self: {
    status: 409,
    message: 'You cannot deactivate your own account; ask another admin.',
    raisedBy: D,
  },
  cannot_delete_self: { status: 409, message: 'You cannot delete your own account; ask another admin.', raisedBy: D },
  cannot_change_own_role: { status: 409, message: 'You cannot change your own role; ask another admin.', raisedBy: D },
  active_sessions: {
    status: 409,
    message: 'This user is signed in: deactivate them first, then delete.',
    raisedBy: D,
    scim: { status: 409 },
  },
  user_inactive: {
    status: 403,
    message: 'Your account is deactivated. Ask an admin to reactivate it.',
    raisedBy: ['directory', 'auth', 'saml'],
  },
  sso_required: {
    status: 401,
    message: 'This account has no password in Rune: sign in through your identity provider (SSO).',
    raisedBy: ['directory', 'auth'],
  },
  invalid_cursor: { status: 400, message: 'The cursor is not one this service issued.', raisedBy: D },
  session_ended: {
    status: 401,
    message:
      'This session ended while the password was being changed (an admin reset it or signed you out): sign in again.',
    raisedBy: D,
  },
  already_set_up: { status: 409, message: 'Rune Directory is already set up.', raisedBy: ['directory', 'auth'] },
  already_sso: { status: 409, message: 'This user already signs in through the identity provider.', raisedBy: D },
  // 409, like account_exists: the request is genuine, but the account it names is taken by
  // another identity (a state an admin resolves), not something this person lacks rights for.
  // A security write (scripts.ts's DURABLE) that no replica confirmed within REDIS_WAIT_TIMEOUT_MS:
  // it was made on the primary but could be lost with it, so it is not acknowledged. Repeating
  // the request is safe: the same change again is a no-op that waits for the replicas again.
  replica_unconfirmed: {
    status: 503,
    message:
      'The change was made, but no Redis replica confirmed it in time, so it could still be lost: send the same request again.',
    raisedBy: D,
    retryAfter: 1,
    scim: {
      status: 503,
      detail:
        'The change was made, but no Redis replica confirmed it in time, so it could still be lost: retry the same request.',
    },
  },
  saml_account_bound: {
    status: 409,
    message:
      'The account with this email signs in with another SAML identity (NameID). Ask an admin if your IdP identity has changed.',
    raisedBy: ['directory', 'saml'],
  },

  // Sign-in and sessions (src/auth).
  invalid_credentials: { status: 401, message: 'The email or password is incorrect.', raisedBy: A },
  rate_limited: { status: 429, message: 'Too many attempts; try again later.', raisedBy: A, specific: true },
  unauthenticated: {
    status: 401,
    message: 'Sign in first: send the rune_session cookie or a bearer token.',
    raisedBy: A,
  },
  password_change_required: {
    status: 403,
    message: 'Change your temporary password before doing anything else.',
    raisedBy: A,
  },
  password_rejected: { status: 400, message: 'This password is not accepted.', raisedBy: A, specific: true },
  forbidden: { status: 403, message: 'Only admins may do this.', raisedBy: A },
  temporary_password_expired: {
    status: 401,
    message: 'Your temporary password has expired; ask an admin for a new one.',
    raisedBy: A,
  },
  // More password checks (argon2) in flight than LOGIN_MAX_CONCURRENT: refused before any is
  // counted against the account, so a flood neither starves the service nor locks anyone out.
  login_busy: {
    status: 503,
    message: 'Too many sign-ins are being checked right now; try again in a moment.',
    raisedBy: A,
    retryAfter: 1,
  },
  sso_user: {
    status: 409,
    message: 'This user signs in through the identity provider (SSO) and has no password to reset.',
    raisedBy: A,
  },

  // SAML sign-in (src/saml): each is answered directly (never a redirect), opens no session and creates no user.
  saml_not_configured: {
    status: 404,
    raisedBy: S,
    message:
      'SAML single sign-on is not configured on this service: set SAML_IDP_METADATA_URL, or SAML_IDP_CERT, SAML_IDP_SSO_URL and SAML_IDP_ENTITY_ID.',
  },
  saml_response_missing: {
    status: 400,
    message: 'Post the IdP response as the SAMLResponse form field (HTTP-POST binding).',
    raisedBy: S,
  },
  saml_response_too_large: {
    status: 413,
    message: 'The SAML response is larger than this service accepts.',
    raisedBy: S,
  },
  saml_response_malformed: {
    status: 400,
    message: 'The SAML response could not be read.',
    raisedBy: S,
    specific: true,
  },
  saml_encrypted_assertion: {
    status: 400,
    message: 'The assertion is encrypted, which this service does not accept.',
    raisedBy: S,
    specific: true,
  },
  saml_signature_invalid: {
    status: 400,
    message: 'The SAML response is not signed by the configured IdP.',
    raisedBy: S,
    specific: true,
  },
  saml_status_not_success: { status: 401, message: 'The IdP did not sign you in.', raisedBy: S, specific: true },
  saml_issuer_mismatch: {
    status: 400,
    message: 'The response comes from another IdP than the configured one.',
    raisedBy: S,
    specific: true,
  },
  saml_destination_mismatch: {
    status: 400,
    message: 'The response was sent to another service.',
    raisedBy: S,
    specific: true,
  },
  saml_recipient_mismatch: {
    status: 400,
    message: 'The assertion is meant for another service.',
    raisedBy: S,
    specific: true,
  },
  saml_audience_mismatch: {
    status: 400,
    message: 'The assertion is meant for another audience.',
    raisedBy: S,
    specific: true,
  },
  saml_expired: { status: 400, message: 'The assertion has expired: sign in again.', raisedBy: S, specific: true },
  saml_not_yet_valid: {
    status: 400,
    message: 'The assertion is not valid yet: check the IdP clock.',
    raisedBy: S,
    specific: true,
  },
  saml_unsolicited: {
    status: 400,
    raisedBy: S,
    message: 'This response answers no login request (IdP-initiated sign-in is turned off): start from /saml/login.',
  },
  saml_in_response_to_mismatch: {
    status: 400,
    message: 'The response answers another login request.',
    raisedBy: S,
    specific: true,
  },
  saml_request_unknown: {
    status: 400,
    raisedBy: S,
    message:
      'This response answers a login request that is unknown, expired or already used: start again from /saml/login.',
  },
  saml_request_other_browser: {
    status: 400,
    message: 'This response answers a login request that was started in another browser.',
    raisedBy: S,
  },
  saml_replay: {
    status: 400,
    message: 'This assertion was already used to sign in: SAML assertions are accepted once.',
    raisedBy: S,
  },
  saml_nameid_unsupported: {
    status: 400,
    raisedBy: S,
    message:
      'The IdP sent a transient NameID, which changes at every login: configure a persistent or emailAddress NameID.',
  },
  saml_email_missing: {
    status: 400,
    raisedBy: S,
    message: 'The assertion carries no email: send an emailAddress NameID or an "email" (or "mail") attribute.',
  },
  account_exists: {
    status: 409,
    raisedBy: S,
    message:
      'A password account already uses this email. Sign in with its password: SSO does not take over password accounts unless SAML_LINK_PASSWORD_USERS is on.',
  },
  saml_busy: {
    status: 503,
    message: 'Too many SAML sign-ins are being checked right now; try again in a moment.',
    raisedBy: S,
    retryAfter: 2,
  },
  saml_metadata_unavailable: {
    status: 503,
    raisedBy: S,
    retryAfter: 60,
    message:
      'SAML sign-in is waiting for the IdP metadata (SAML_IDP_METADATA_URL), which could not be fetched yet: /readyz says why. Try again in a minute.',
  },

  // The edge: bodies, URLs and the store (src/http, src/scim).
  invalid_json: {
    status: 400,
    message: 'The body is not valid JSON.',
    scim: { status: 400, scimType: 'invalidSyntax' },
  },
  invalid_text: {
    status: 400,
    message: 'The request holds text that is not valid Unicode.',
    scim: { status: 400, scimType: 'invalidValue' },
  },
  payload_too_large: {
    status: 413,
    message: 'The body is too large.',
    scim: { status: 413, detail: 'The request body is too large.' },
  },
  unsupported_media_type: { status: 415, message: 'Send the body as UTF-8 JSON.', scim: { status: 415 } },
  bad_request: { status: 400, message: 'The request URL could not be decoded.', scim: { status: 400 } },
  service_unavailable: {
    status: 503,
    message: 'The directory store is unreachable; try again shortly.',
    retryAfter: 5,
    scim: { status: 503, detail: 'The directory store is unreachable; retry shortly.' },
  },
  job_failed: { status: 500, message: 'The job failed.' },
  internal_error: {
    status: 500,
    message: 'Something went wrong on our side; it has been logged.',
    scim: { status: 500 },
  },
} as const satisfies Record<string, RefusalSpec>;

export type RefusalCode = keyof typeof REFUSALS;

type RaisedBy<R extends Raiser> = {
  [C in RefusalCode]: (typeof REFUSALS)[C] extends { raisedBy: readonly (infer X)[] }
    ? R extends X
      ? C
      : never
    : never;
}[RefusalCode];

export type DirectoryRefusalCode = RaisedBy<'directory'>;
export type AuthRefusalCode = RaisedBy<'auth'>;
export type SamlRefusalCode = RaisedBy<'saml'>;

export const REFUSAL_CODES = Object.keys(REFUSALS) as RefusalCode[];

export const isRefusalCode = (code: string): code is RefusalCode => Object.hasOwn(REFUSALS, code);

export const refusalSpec = (code: RefusalCode): RefusalSpec => REFUSALS[code];

export const codesRaisedBy = (raiser: Raiser): RefusalCode[] =>
  REFUSAL_CODES.filter((code) => (refusalSpec(code).raisedBy ?? []).includes(raiser));

/** The problem document's `type` of a code (a code outside the table keeps the same scheme). */
export const problemType = (code: string) => `urn:rune-directory:problem:${code}`;

/** What people read for a refusal: the raiser's words where they say more, else the table's. */
export function peopleWords(code: string, raised: string | undefined): string {
  const spec = isRefusalCode(code) ? refusalSpec(code) : undefined;
  if (!spec) return raised ?? '';
  return spec.specific && raised ? raised : spec.message;
}

/**
 * A refusal with a code from the table: its status comes from there. The directory's, sign-in's
 * and SAML's error classes are this, with their own code types.
 */
export class Refusal extends Error {
  override name = 'Refusal';
  constructor(
    readonly code: RefusalCode,
    detail?: string,
  ) {
    super(detail ?? REFUSALS[code].message);
  }

  get status(): number {
    return REFUSALS[this.code].status;
  }
}
