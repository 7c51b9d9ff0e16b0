import { Problem, problemOf } from '../http/problem.js';
import { REFUSALS, Refusal, type SamlRefusalCode } from '../refusals.js';

// Refusals of SAML sign-in, each with a stable code declared (with its status) in src/refusals.ts.
// Every one is answered directly (never a redirect), opens no session and creates no user.

export type SamlErrorCode = SamlRefusalCode;

/** A refusal as it crosses the worker-thread boundary: plain data. */
export interface SamlRefusal {
  code: SamlErrorCode;
  detail: string;
}

export class SamlError extends Refusal {
  override name = 'SamlError';
  constructor(
    override readonly code: SamlErrorCode,
    message: string,
  ) {
    super(code, message);
  }

  toProblem(): Problem {
    return problemOf(this.code, this.message);
  }
}

export const refusal = (code: SamlErrorCode, detail: string): SamlRefusal => ({ code, detail });

export const NOT_CONFIGURED = REFUSALS.saml_not_configured.message;
export const RESPONSE_MISSING = REFUSALS.saml_response_missing.message;
export const RESPONSE_TOO_LARGE = REFUSALS.saml_response_too_large.message;
export const UNSOLICITED = REFUSALS.saml_unsolicited.message;
export const REQUEST_UNKNOWN = REFUSALS.saml_request_unknown.message;
// saml_request_other_browser's words when the browser sent no login cookie at all.
export const REQUEST_COOKIE_MISSING =
  'The browser did not send the login cookie set by /saml/login: allow cookies, and reach the service over https (or localhost).';
export const REQUEST_OTHER_BROWSER = REFUSALS.saml_request_other_browser.message;
export const REPLAY = REFUSALS.saml_replay.message;
export const NAMEID_TRANSIENT = REFUSALS.saml_nameid_unsupported.message;
export const EMAIL_MISSING = REFUSALS.saml_email_missing.message;
export const ACCOUNT_EXISTS = REFUSALS.account_exists.message;
export const ACCOUNT_BOUND = REFUSALS.saml_account_bound.message;
export const USER_INACTIVE = REFUSALS.user_inactive.message;
export const METADATA_UNAVAILABLE = REFUSALS.saml_metadata_unavailable.message;
export const BUSY = REFUSALS.saml_busy.message;
