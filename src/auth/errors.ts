import { REFUSALS, Refusal, type AuthRefusalCode } from '../refusals.js';

// Refusals of sign-in and session handling, each with a stable code declared in src/refusals.ts.

export type AuthErrorCode = AuthRefusalCode;

export class AuthError extends Refusal {
  override name = 'AuthError';
  constructor(
    override readonly code: AuthErrorCode,
    message: string,
    readonly extra: { retryAfterSeconds?: number; requirements?: string[] } = {},
  ) {
    super(code, message);
  }
}

export const INVALID_CREDENTIALS = REFUSALS.invalid_credentials.message;
export const SSO_REQUIRED = REFUSALS.sso_required.message;
export const USER_INACTIVE = REFUSALS.user_inactive.message;
export const PASSWORD_CHANGE_REQUIRED = REFUSALS.password_change_required.message;
export const TEMPORARY_PASSWORD_EXPIRED = REFUSALS.temporary_password_expired.message;
export const SSO_USER_HAS_NO_PASSWORD = REFUSALS.sso_user.message;
