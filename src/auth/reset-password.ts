import { DirectoryError, type Actor, type Directory } from '../directory/index.js';
import type { JobRunner } from '../jobs/job-runner.js';
import type { PasswordHasher } from './password-hasher.js';
import { generateTemporaryPassword } from './temporary-password.js';
import type { ProvisionedUser } from './provision-user.js';
import { AuthError, SSO_USER_HAS_NO_PASSWORD } from './errors.js';

/**
 * An admin gives a password user a new temporary password (shown once, expiring after
 * TEMP_PASSWORD_TTL): the next sign-in must change it, and every session of the user stops at
 * once; the revocation job then deletes them. The script audits `user.password_reset`.
 */
export async function resetPassword(
  deps: { directory: Directory; hasher: PasswordHasher; jobs: JobRunner },
  userId: string,
  actor: Actor,
): Promise<ProvisionedUser> {
  const temporaryPassword = generateTemporaryPassword();
  const hash = await deps.hasher.hash(temporaryPassword);
  let user;
  try {
    user = await deps.directory.setPassword(userId, hash, true, actor);
  } catch (error) {
    // The script refuses an SSO user atomically; for an admin that is a conflict, not a sign-in.
    if (error instanceof DirectoryError && error.code === 'sso_required')
      throw new AuthError('sso_user', SSO_USER_HAS_NO_PASSWORD);
    throw error;
  }
  await deps.directory.endAllSessions(userId);
  await deps.jobs.revokeSessions(userId, actor, 'admin', { wait: false });
  // Their sessions have all ended, though the job has yet to delete them.
  return { user: { ...user, activeSessions: 0 }, temporaryPassword };
}
