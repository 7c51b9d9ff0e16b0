// Refusals of sign-in and session handling, each with a stable code.

export type AuthErrorCode =
  | 'invalid_credentials'
  | 'sso_required'
  | 'user_inactive'
  | 'rate_limited'
  | 'unauthenticated'
  | 'password_change_required'
  | 'password_rejected'
  | 'forbidden'
  | 'already_set_up'
  | 'temporary_password_expired'
  | 'sso_user';

export class AuthError extends Error {
  override name = 'AuthError';
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    readonly extra: { retryAfterSeconds?: number; requirements?: string[] } = {},
  ) {
    super(message);
  }
}

export const INVALID_CREDENTIALS = 'The email or password is incorrect.';
export const SSO_REQUIRED = 'This account signs in through your identity provider (SSO), not with a password.';
export const USER_INACTIVE = 'This account is deactivated. Ask an admin to reactivate it.';
export const PASSWORD_CHANGE_REQUIRED = 'Choose a new password (POST /auth/password) before doing anything else.';
export const TEMPORARY_PASSWORD_EXPIRED = 'Your temporary password has expired; ask an admin for a new one.';
export const SSO_USER_HAS_NO_PASSWORD = 'This user signs in through the identity provider (SSO) and has no password to reset.';
