import { DirectoryError, type Actor, type Directory, type UserRecord } from '../directory/index.js';
import type { Logger } from '../logger.js';
import { SamlError, ACCOUNT_BOUND, ACCOUNT_EXISTS, EMAIL_MISSING, USER_INACTIVE } from './errors.js';
import type { SamlIdentity } from './saml-identity.js';

// Just-in-time users: the person an assertion names is found by NameID, then by email, and
// created as an SSO user at their first login. The directory's scripts keep the rules (unique
// email and NameID, a NameID binding is final, the last active admin); this decides which user,
// and what to ask of it.

const SAML: Actor = { source: 'saml' };

export interface JitOptions {
  /** Lets the IdP take over a password account with the same email (it becomes an SSO user). */
  linkPasswordUsers: boolean;
  logger: Logger;
}

/** The active user this identity signs in as, created or linked if need be, role mapped. */
export async function ssoUserFor(
  directory: Directory,
  identity: SamlIdentity,
  options: JitOptions,
): Promise<UserRecord> {
  const user = await findOrCreate(directory, identity, options, true);
  if (user.status !== 'active') throw new SamlError('user_inactive', USER_INACTIVE);
  return applyRoleMapping(directory, user, identity.admin, options.logger);
}

async function findOrCreate(
  directory: Directory,
  identity: SamlIdentity,
  options: JitOptions,
  mayCreate: boolean,
): Promise<UserRecord> {
  const byNameId = await directory.findUserByNameId(identity.nameId);
  if (byNameId) return byNameId;
  if (!identity.email) throw new SamlError('saml_email_missing', EMAIL_MISSING);
  const byEmail = await directory.findUserByEmail(identity.email);
  if (byEmail) return link(directory, byEmail, identity.nameId, options);
  if (!mayCreate) throw new DirectoryError('conflict', 'the user changed while signing in; try again');
  try {
    return await directory.createUser(
      {
        name: identity.name ?? identity.email,
        email: identity.email,
        role: identity.admin ? 'admin' : 'user',
        kind: 'sso',
        nameId: identity.nameId,
      },
      SAML,
    );
  } catch (error) {
    // The same person's first login in two tabs at once: the other one created them.
    if (error instanceof DirectoryError && (error.code === 'email_taken' || error.code === 'conflict')) {
      return findOrCreate(directory, identity, options, false);
    }
    throw error;
  }
}

// Email links only a user with no NameID yet: an SSO user created over SCIM, or a password user
// where the operator allowed the IdP to take such accounts over. A user bound to a NameID is
// found by it alone (rule 9): another NameID with their email is someone else, whoever signed it.
async function link(directory: Directory, user: UserRecord, nameId: string, options: JitOptions): Promise<UserRecord> {
  if (user.nameId !== undefined) return refuseBinding(directory, user, nameId);
  if (user.kind === 'password' && !options.linkPasswordUsers) throw new SamlError('account_exists', ACCOUNT_EXISTS);
  if (user.status !== 'active') throw new SamlError('user_inactive', USER_INACTIVE);
  try {
    return await directory.linkSso(user.id, nameId, SAML);
  } catch (error) {
    // Another assertion bound them since the lookup: the script refused atomically.
    if (error instanceof DirectoryError && error.code === 'saml_account_bound')
      return refuseBinding(directory, user, nameId);
    throw error;
  }
}

async function refuseBinding(directory: Directory, user: UserRecord, attemptedNameId: string): Promise<never> {
  await directory.appendAudit(SAML, 'saml.binding_refused', user.id, { attemptedNameId });
  throw new SamlError('saml_account_bound', ACCOUNT_BOUND);
}

// The mapping may promote and demote, but never demotes the last active admin: that login
// still succeeds, keeping the role, because locking everyone out of the admin API is worse.
async function applyRoleMapping(
  directory: Directory,
  user: UserRecord,
  admin: boolean | undefined,
  logger: Logger,
): Promise<UserRecord> {
  if (admin === undefined) return user;
  const role = admin ? 'admin' : 'user';
  if (user.role === role) return user;
  try {
    return await directory.updateUser(user.id, { role }, SAML);
  } catch (error) {
    if (!(error instanceof DirectoryError) || error.code !== 'last_active_admin') throw error;
    logger.warn({ userId: user.id }, 'saml role mapping would demote the last active admin; role kept');
    return user;
  }
}
