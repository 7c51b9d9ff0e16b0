import type { Actor } from '../types.js';

/** A group as the directory holds it; `members` is how many it has. */
export interface GroupRecord {
  id: string;
  displayName: string;
  externalId?: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  seq: number;
  members: number;
  /** Read with members: at most the cap asked for, each with the user's name. */
  memberList?: { id: string; name: string }[];
  /** Read with `check`: which of those user ids are members. */
  matched?: string[];
}

/** One write of a group: a new name or externalId ('' clears it), members added, removed or replaced. */
export interface GroupChange {
  displayName?: string;
  externalId?: string;
  add?: string[];
  remove?: string[];
  /** The whole member list (PUT, or PATCH replace of members). */
  replace?: string[];
}

/** Who writes, what If-Match allows, and the role mapping (SCIM_ADMIN_GROUPS, SCIM_ADMIN_ROLES). */
export interface GroupWriteOptions {
  actor: Actor;
  /** The versions If-Match names; absent: any (or `*`). */
  ifMatch?: number[];
  adminGroups: readonly string[];
  adminRoles: readonly string[];
}

export interface GroupRef {
  id: string;
  displayName: string;
}
