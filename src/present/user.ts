// What leaves the service, in one folder: the admin API, /auth and the CLI show a user, a session
// and a SCIM token the same way, and none of them owns the shape.

import type { UserRecord } from '../directory/index.js';

/** The user as every API response shows it. Nothing secret is on a UserRecord, and nothing else leaves. */
export interface PresentedUser {
  id: string;
  name: string;
  /** Null for an SSO user whose identity provider sent no valid address (they sign in by SAML NameID). */
  email: string | null;
  role: string;
  status: string;
  kind: string;
  mustChangePassword: boolean;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
  activeSessions: number;
}

export function presentUser(user: UserRecord): PresentedUser {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    status: user.status,
    kind: user.kind,
    mustChangePassword: user.mustChangePassword,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    lastLoginAt: user.lastLoginAt ? user.lastLoginAt.toISOString() : null,
    activeSessions: user.activeSessions,
  };
}
