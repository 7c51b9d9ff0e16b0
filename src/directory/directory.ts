import type { DirectoryContext } from './context.js';
import { directoryKeys, type DirectoryKeys } from './keys.js';
import { defineScripts, type RedisClient } from './scripts.js';
import { createUser, type CreateOptions } from './commands/create-user.js';
import { updateUser, type UpdateOptions } from './commands/update-user.js';
import { deactivateUser, activateUser } from './commands/set-status.js';
import { deleteUser, type DeleteOptions } from './commands/delete-user.js';
import {
  getUser,
  findUserByEmail,
  findUserByUserName,
  findUserByExternalId,
  findUsersByExternalId,
  findUsersByEmailValue,
  findUserByNameId,
} from './queries/find-user.js';
import { listUsers } from './queries/list-users.js';
import {
  createSession,
  lookupSession,
  setSessionScope,
  revokeSession,
  deleteEndedSessions,
  endAllSessions,
  type SessionLifetime,
} from './commands/sessions.js';
import { setPassword, linkSso } from './commands/passwords.js';
import { getPasswordHash } from './queries/get-password-hash.js';
import { convertToSso } from './commands/convert-to-sso.js';
import { appendAudit } from './audit.js';
import { listAudit } from './queries/list-audit.js';
import { countUsers, countUsersByStatus } from './queries/count-users.js';
import { isLastActiveAdmin } from './queries/is-last-active-admin.js';
import { sessionExists } from './queries/session-exists.js';
import { checkIndexes } from './doctor.js';
import { pageUsers } from './queries/page-users.js';
import { scimReadByUserName, scimReadPage } from './queries/scim-read-users.js';
import { createScimToken, revokeScimToken, touchScimToken } from './commands/scim-tokens.js';
import { listScimTokens, verifyScimTokenHash } from './queries/scim-tokens.js';
import type { Actor, ListQuery, NewUser, SessionScope, UserChanges } from './types.js';
import { Groups } from './groups/groups.js';

export interface DirectoryOptions {
  prefix: string;
  session: SessionLifetime;
  auditMaxEvents?: number;
}

/**
 * The Redis-backed directory: the one place that reads and writes directory keys. Writes are
 * in commands/, reads in queries/, each running the .lua script of the same name (scripts.ts).
 * The connection stays inside: other folders call a method here, never Redis with our keys.
 */
export class Directory {
  private readonly ctx: DirectoryContext;
  readonly session: SessionLifetime;
  /** Key names only (a SAML request store, the revocation channel, tests that inspect Redis). */
  readonly keys: DirectoryKeys;
  /** SCIM groups and their members (groups/groups.ts). */
  readonly groups: Groups;

  constructor(redis: RedisClient, options: DirectoryOptions) {
    defineScripts(redis);
    this.keys = directoryKeys(options.prefix);
    this.ctx = { redis, keys: this.keys, auditMaxEvents: options.auditMaxEvents ?? 100_000 };
    this.session = options.session;
    this.groups = new Groups(this.ctx);
  }

  createUser = (input: NewUser, actor: Actor, options?: CreateOptions) => createUser(this.ctx, input, actor, options);
  updateUser = (id: string, changes: UserChanges, actor: Actor, options?: UpdateOptions) =>
    updateUser(this.ctx, id, changes, actor, options);
  deactivateUser = (id: string, actor: Actor) => deactivateUser(this.ctx, id, actor);
  activateUser = (id: string, actor: Actor) => activateUser(this.ctx, id, actor);
  deleteUser = (id: string, actor: Actor, options?: DeleteOptions) => deleteUser(this.ctx, id, actor, options);

  getUser = (id: string) => getUser(this.ctx, id);
  findUserByEmail = (email: string) => findUserByEmail(this.ctx, email);
  findUserByUserName = (userName: string) => findUserByUserName(this.ctx, userName);
  findUserByExternalId = (externalId: string) => findUserByExternalId(this.ctx, externalId);
  findUsersByExternalId = (externalId: string, limit?: number) => findUsersByExternalId(this.ctx, externalId, limit);
  findUsersByEmailValue = (address: string, limit?: number) => findUsersByEmailValue(this.ctx, address, limit);
  findUserByNameId = (nameId: string) => findUserByNameId(this.ctx, nameId);
  listUsers = (query?: ListQuery) => listUsers(this.ctx, query);
  countUsers = () => countUsers(this.ctx);
  countUsersByStatus = () => countUsersByStatus(this.ctx);
  /** A read for early, friendly refusals; the scripts still decide atomically. */
  isLastActiveAdmin = (id: string) => isLastActiveAdmin(this.ctx, id);
  pageUsers = (query: Parameters<typeof pageUsers>[1]) => pageUsers(this.ctx, query);
  /** SCIM's hot reads (userName eq, pages of SSO users), each user with their groups, in one call. */
  scimReadByUserName = (userName: string) => scimReadByUserName(this.ctx, userName);
  scimReadPage = (query: Parameters<typeof scimReadPage>[1]) => scimReadPage(this.ctx, query);

  createScimToken = (name: string) => createScimToken(this.ctx, name);
  listScimTokens = () => listScimTokens(this.ctx);
  revokeScimToken = (id: string) => revokeScimToken(this.ctx, id);
  verifyScimTokenHash = (tokenHash: string) => verifyScimTokenHash(this.ctx, tokenHash);
  touchScimToken = (tokenHash: string, at: number) => touchScimToken(this.ctx, tokenHash, at);

  getPasswordHash = (userId: string) => getPasswordHash(this.ctx, userId);
  setPassword = (userId: string, hash: string, mustChange: boolean, actor: Actor, options?: { session?: string }) =>
    setPassword(this.ctx, userId, hash, mustChange, actor, options);
  linkSso = (userId: string, nameId: string, actor: Actor) => linkSso(this.ctx, userId, nameId, actor);
  convertToSso = (userId: string, actor: Actor) => convertToSso(this.ctx, userId, actor);

  createSession = (userId: string, scope: SessionScope, options: { recordLogin?: boolean } = {}) =>
    createSession(this.ctx, userId, { ...this.session, scope, ...options });
  lookupSession = (token: string) => lookupSession(this.ctx, token, this.session.idleTtlSeconds);
  /** Whether a token is a live sign-in session's, without touching it. */
  sessionExists = (token: string) => sessionExists(this.ctx, token);
  setSessionScope = (tokenHash: string, scope: SessionScope) => setSessionScope(this.ctx, tokenHash, scope);
  revokeSession = (tokenHash: string) => revokeSession(this.ctx, tokenHash);
  /** The clean-up job's part: deletes, in batches, the keys of sessions that can no longer be used. */
  deleteEndedSessions = (userId: string, onBatch?: (deletedSoFar: number) => Promise<void> | void) =>
    deleteEndedSessions(this.ctx, userId, onBatch);
  /** Ends every session of the user at once (one stamp), but `keepTokenHash`. */
  endAllSessions = (userId: string, keepTokenHash?: string) => endAllSessions(this.ctx, userId, keepTokenHash);

  appendAudit = (actor: Actor, action: string, target: string, details?: Record<string, unknown>) =>
    appendAudit(this.ctx, actor, action, target, details);
  listAudit = (options: { before?: string; limit: number }) => listAudit(this.ctx, options);

  checkIndexes = () => checkIndexes(this.ctx);
}
