import type { Directory, Actor, Role, UserRecord } from '../directory/index.js';
import type { PasswordHasher } from './password-hasher.js';
import { generateTemporaryPassword } from './temporary-password.js';
import { passwordProblems } from './password-policy.js';
import { AuthError } from './errors.js';

export interface ProvisionedUser {
  user: UserRecord;
  /** Shown once to whoever created the user; stored only as an argon2id hash. */
  temporaryPassword: string;
}

/** Creates a password user with a temporary password they must change at first sign-in. */
export async function createPasswordUser(
  deps: { directory: Directory; hasher: PasswordHasher },
  input: { name: string; email: string; role: Role },
  actor: Actor,
): Promise<ProvisionedUser> {
  const temporaryPassword = generateTemporaryPassword();
  const user = await deps.directory.createUser(
    { ...input, kind: 'password', passwordHash: await deps.hasher.hash(temporaryPassword), mustChangePassword: true },
    actor,
  );
  return { user, temporaryPassword };
}

/** The first admin, chosen by whoever installs Rune: allowed only while the directory is empty. */
export async function setUpFirstAdmin(
  deps: { directory: Directory; hasher: PasswordHasher; minLength: number },
  input: { name: string; email: string; password: string },
): Promise<UserRecord> {
  if ((await deps.directory.countUsers()) > 0)
    throw new AuthError('already_set_up', 'Rune Directory is already set up.');
  const problems = passwordProblems(input.password, {
    minLength: deps.minLength,
    email: input.email,
    name: input.name,
  });
  if (problems.length > 0) {
    throw new AuthError('password_rejected', `The password ${problems.join('; ')}.`, {
      requirements: problems.map((p) => `password: ${p}`),
    });
  }
  return deps.directory.createUser(
    {
      name: input.name,
      email: input.email,
      role: 'admin',
      kind: 'password',
      passwordHash: await deps.hasher.hash(input.password),
    },
    { source: 'admin-api' },
    { onlyIfEmpty: true },
  );
}
