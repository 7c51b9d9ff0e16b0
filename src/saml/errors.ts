import { Problem } from '../http/problem.js';

// Refusals of SAML sign-in, each with a stable code. Every one is answered directly (never a
// redirect), opens no session and creates no user.

const STATUS = {
  saml_not_configured: 404,
  saml_response_missing: 400,
  saml_response_too_large: 413,
  saml_response_malformed: 400,
  saml_encrypted_assertion: 400,
  saml_signature_invalid: 400,
  saml_status_not_success: 401,
  saml_issuer_mismatch: 400,
  saml_destination_mismatch: 400,
  saml_recipient_mismatch: 400,
  saml_audience_mismatch: 400,
  saml_expired: 400,
  saml_not_yet_valid: 400,
  saml_unsolicited: 400,
  saml_in_response_to_mismatch: 400,
  saml_request_unknown: 400,
  saml_request_other_browser: 400,
  saml_replay: 400,
  saml_nameid_unsupported: 400,
  saml_email_missing: 400,
  account_exists: 409,
  // 409, like account_exists: the request is genuine, but the account it names is taken by
  // another identity (a state an admin resolves), not something this person lacks rights for.
  saml_account_bound: 409,
  user_inactive: 403,
  saml_busy: 503,
  saml_metadata_unavailable: 503,
} as const;

/** When a 503 may be tried again, in seconds. */
const RETRY_AFTER: Partial<Record<SamlErrorCode, string>> = { saml_busy: '2', saml_metadata_unavailable: '60' };

export type SamlErrorCode = keyof typeof STATUS;

/** A refusal as it crosses the worker-thread boundary: plain data. */
export interface SamlRefusal {
  code: SamlErrorCode;
  detail: string;
}

export class SamlError extends Error {
  override name = 'SamlError';
  constructor(
    readonly code: SamlErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS[this.code];
  }

  toProblem(): Problem {
    const retryAfter = RETRY_AFTER[this.code];
    return new Problem(this.status, this.code, this.message, {}, retryAfter ? { 'Retry-After': retryAfter } : {});
  }
}

export const refusal = (code: SamlErrorCode, detail: string): SamlRefusal => ({ code, detail });

export const NOT_CONFIGURED =
  'SAML single sign-on is not configured on this service: set SAML_IDP_METADATA_URL, or SAML_IDP_CERT, SAML_IDP_SSO_URL and SAML_IDP_ENTITY_ID.';
export const RESPONSE_MISSING = 'Post the IdP response as the SAMLResponse form field (HTTP-POST binding).';
export const RESPONSE_TOO_LARGE = 'The SAML response is larger than this service accepts.';
export const UNSOLICITED =
  'This response answers no login request (IdP-initiated sign-in is turned off): start from /saml/login.';
export const REQUEST_UNKNOWN =
  'This response answers a login request that is unknown, expired or already used: start again from /saml/login.';
export const REQUEST_COOKIE_MISSING =
  'The browser did not send the login cookie set by /saml/login: allow cookies, and reach the service over https (or localhost).';
export const REQUEST_OTHER_BROWSER = 'This response answers a login request that was started in another browser.';
export const REPLAY = 'This assertion was already used to sign in: SAML assertions are accepted once.';
export const NAMEID_TRANSIENT =
  'The IdP sent a transient NameID, which changes at every login: configure a persistent or emailAddress NameID.';
export const EMAIL_MISSING =
  'The assertion carries no email: send an emailAddress NameID or an "email" (or "mail") attribute.';
export const ACCOUNT_EXISTS =
  'A password account already uses this email. Sign in with its password: SSO does not take over password accounts unless SAML_LINK_PASSWORD_USERS is on.';
export const ACCOUNT_BOUND =
  'The account with this email signs in with another SAML identity (NameID). Ask an admin if your IdP identity has changed.';
export const USER_INACTIVE = 'This account is deactivated. Ask an admin to reactivate it.';
export const METADATA_UNAVAILABLE =
  'SAML sign-in is waiting for the IdP metadata (SAML_IDP_METADATA_URL), which could not be fetched yet: /readyz says why. Try again in a minute.';
export const BUSY = 'Too many SAML sign-ins are being checked right now; try again in a moment.';
