import type { Directory, UserRecord, SessionRecord } from '../directory/index.js';
import { DirectoryError } from '../directory/index.js';
import { canonicalEmail } from '../directory/normalize.js';
import type { PasswordHasher } from './password-hasher.js';
import type { LoginThrottle } from './login-throttle.js';
import { temporaryPasswordExpired } from './temporary-password.js';
import { AuthError, INVALID_CREDENTIALS, SSO_REQUIRED, TEMPORARY_PASSWORD_EXPIRED, USER_INACTIVE } from './errors.js';

export interface SignInResult {
  token: string;
  session: SessionRecord;
  user: UserRecord;
}

export interface SignInDeps {
  directory: Directory;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  config: { password: { temporaryTtlSeconds: number } };
}

/**
 * Password sign-in. The attempt is counted before anything about the account is told, so an
 * SSO account's email is throttled like any other. Unknown email and wrong password fail alike
 * and in the same time; an inactive user or an expired temporary password is told so only
 * after the password is proven.
 */
export async function signIn(deps: SignInDeps, email: string, password: string, ip: string): Promise<SignInResult> {
  const { directory, hasher, throttle } = deps;
  const account = canonicalEmail(email);
  await throttle.consume(account, ip);

  const user = await directory.findUserByEmail(account);
  if (user?.kind === 'sso') throw new AuthError('sso_required', SSO_REQUIRED);
  const hash = user ? await directory.getPasswordHash(user.id) : null;
  const verified = user && hash ? await hasher.verify(hash, password) : await hasher.dummyVerify(password);
  if (!user || !verified) throw new AuthError('invalid_credentials', INVALID_CREDENTIALS);
  if (user.status !== 'active') {
    await throttle.passed(account, ip);
    throw new AuthError('user_inactive', USER_INACTIVE);
  }
  if (temporaryPasswordExpired(user, deps.config.password.temporaryTtlSeconds)) {
    await throttle.passed(account, ip);
    throw new AuthError('temporary_password_expired', TEMPORARY_PASSWORD_EXPIRED);
  }
  await throttle.signedIn(account, ip);

  try {
    const opened = await directory.createSession(user.id, user.mustChangePassword ? 'password-change' : 'full', {
      recordLogin: true,
    });
    await directory.appendAudit({ actorId: user.id, source: 'auth' }, 'user.signed_in', user.id, {
      method: 'password',
    });
    return opened;
  } catch (error) {
    if (error instanceof DirectoryError && error.code === 'user_inactive')
      throw new AuthError('user_inactive', USER_INACTIVE);
    throw error;
  }
}
