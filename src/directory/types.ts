export const ROLES = ['admin', 'user'] as const;
export const STATUSES = ['active', 'inactive'] as const;
export const KINDS = ['password', 'sso'] as const;

export type Role = (typeof ROLES)[number];
export type Status = (typeof STATUSES)[number];
export type Kind = (typeof KINDS)[number];

/** Where a change came from; recorded on every audit event. */
export type Source = 'admin-api' | 'auth' | 'scim' | 'saml' | 'cli' | 'job' | 'system';

/** Who asks for a change. `actorId` is the signed-in user, absent for IdPs and the system. */
export interface Actor {
  readonly actorId?: string;
  readonly source: Source;
  /** Who the actor is when it is no user: an IdP's SCIM token (actorId is then the token's id). */
  readonly actorName?: string;
}

export interface UserRecord {
  id: string;
  name: string;
  /** Null only for an SSO user an IdP sent no valid address for (they sign in by SAML NameID). */
  email: string | null;
  /** The SCIM userName; the email unless an IdP set another. */
  userName: string;
  externalId?: string;
  /** The SAML NameID an SSO user signs in with, once known. */
  nameId?: string;
  role: Role;
  status: Status;
  kind: Kind;
  mustChangePassword: boolean;
  /** When the temporary password was set, while mustChangePassword holds. */
  temporaryPasswordSetAt?: Date;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt?: Date;
  version: number;
  /** JSON of the SCIM attributes the directory does not model itself. */
  scim?: string;
  /** Live sessions; none for an inactive user, whose sessions all ended with the deactivation. */
  activeSessions: number;
  /** Ended sessions of an inactive user whose keys the clean-up job has yet to delete. */
  sessionsToCleanUp: number;
}

export interface NewUser {
  name: string;
  /** '' only for an SSO user an IdP sent no valid address for, who then needs a userName. */
  email: string;
  role: Role;
  kind: Kind;
  status?: Status;
  userName?: string;
  externalId?: string;
  nameId?: string;
  scim?: string;
  /** Further SCIM `emails` values (besides email), indexed for `emails.value eq`. */
  mails?: string[];
  /** argon2id hash; only password users have one. */
  passwordHash?: string;
  mustChangePassword?: boolean;
  id?: string;
}

export interface UserChanges {
  name?: string;
  /** '' removes the email (SSO users only). */
  email?: string;
  role?: Role;
  userName?: string;
  /** '' removes the externalId. */
  externalId?: string;
  scim?: string;
  /** Further SCIM `emails` values, replacing the ones indexed ([] removes them). */
  mails?: string[];
  /** Applied with the rest in the same write; deactivating ends every session at once. */
  status?: Status;
}

export type SessionScope = 'full' | 'password-change';

export interface SessionRecord {
  userId: string;
  scope: SessionScope;
  createdAt: Date;
  lastSeenAt: Date;
  /** When the session ends if it stays idle; never after absoluteExpiresAt. */
  expiresAt: Date;
  absoluteExpiresAt: Date;
}

export interface UserPage {
  users: UserRecord[];
  nextCursor: string | null;
  total: number;
}

export interface ListQuery {
  status?: Status;
  role?: Role;
  q?: string;
  cursor?: string;
  limit?: number;
}
