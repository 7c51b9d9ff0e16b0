import type { Directory, UserRecord, SessionRecord } from '../directory/index.js';
import type { PasswordHasher } from './password-hasher.js';
import type { JobRunner } from '../jobs/job-runner.js';
import type { LoginThrottle } from './login-throttle.js';
import { passwordProblems } from './password-policy.js';
import { AuthError } from './errors.js';
import { validationFailed } from '../http/problem.js';

export const CURRENT_PASSWORD_REQUIRED =
  'required to change the password of a session not opened with a temporary password';

export interface ChangePasswordInput {
  user: UserRecord;
  session: SessionRecord;
  tokenHash: string;
  currentPassword?: string;
  newPassword: string;
}

/**
 * Sets the user's own password. A temporary-password session needs no current password
 * (it was just proven); a full session must prove it again, each check counted against the
 * account first (a stolen session must not become a password oracle). The session becomes a
 * full one and every other session of the user ends.
 */
export async function changePassword(
  deps: { directory: Directory; hasher: PasswordHasher; jobs: JobRunner; throttle: LoginThrottle; minLength: number },
  input: ChangePasswordInput,
): Promise<UserRecord> {
  const { directory, hasher } = deps;
  const { user } = input;
  if (user.kind !== 'password') throw new AuthError('sso_required', 'SSO users have no password to change.');
  const storedHash = await directory.getPasswordHash(user.id);
  if (!storedHash) throw new AuthError('sso_required', 'This account has no password.');

  const forced = input.session.scope === 'password-change';
  if (!forced) {
    // A missing field is a malformed request, not a wrong guess: named, and not counted.
    if (input.currentPassword === undefined)
      throw validationFailed([{ field: 'currentPassword', message: CURRENT_PASSWORD_REQUIRED }]);
    await deps.throttle.consumePasswordCheck(user.id);
    const proven = await hasher.verify(storedHash, input.currentPassword);
    if (!proven) {
      throw new AuthError('password_rejected', 'The current password is incorrect.', {
        requirements: ['currentPassword: is incorrect'],
      });
    }
    await deps.throttle.passwordCheckPassed(user.id);
  }
  const problems = passwordProblems(input.newPassword, {
    minLength: deps.minLength,
    email: user.email ?? undefined,
    name: user.name,
  });
  if (await hasher.verify(storedHash, input.newPassword)) {
    problems.push(forced ? 'must differ from the temporary password' : 'must differ from the current password');
  }
  if (problems.length > 0) {
    throw new AuthError('password_rejected', `The new password ${problems.join('; ')}.`, {
      requirements: problems.map((p) => `newPassword: ${p}`),
    });
  }

  // Refused (session_ended) if this session ended while the hash was made: a reset wins.
  const updated = await directory.setPassword(
    user.id,
    await hasher.hash(input.newPassword),
    false,
    { actorId: user.id, source: 'auth' },
    { session: input.tokenHash },
  );
  await directory.setSessionScope(input.tokenHash, 'full');
  // Every other session stops working now; deleting their keys is the revocation job's work.
  await directory.endAllSessions(user.id, input.tokenHash);
  await deps.jobs.revokeSessions(user.id, { actorId: user.id, source: 'auth' }, 'password-change', { wait: false });
  return updated;
}
