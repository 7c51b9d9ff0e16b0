import type { DirectoryContext } from '../context.js';
import { runScript } from '../scripts.js';
import { invalidFields, type FieldProblem } from '../errors.js';
import {
  normalizeName,
  normalizeEmail,
  normalizeRole,
  normalizeStatus,
  normalizeIdentifier,
  indexKeyIfNeeded,
} from '../normalize.js';
import { toUserRecord, type RawUser } from '../user-record.js';
import { mailsField } from './create-user.js';
import type { Actor, UserChanges, UserRecord } from '../types.js';

export interface UpdateOptions {
  /** Refuse with version_mismatch unless the stored version is this one (If-Match). */
  expectedVersion?: number;
  /** An IdP's write: demoting the last active admin keeps the role (audited) instead of refusing. */
  keepLastAdminRole?: boolean;
}

/**
 * Applies every change in one atomic write or none: a status change is checked by the same
 * rules as deactivateUser (not oneself, not the last active admin) and ends the user's sessions.
 */
export async function updateUser(
  ctx: DirectoryContext,
  id: string,
  input: UserChanges,
  actor: Actor,
  options: UpdateOptions = {},
): Promise<UserRecord> {
  const problems: FieldProblem[] = [];
  const changes: Record<string, string | undefined> = {};
  if (input.name !== undefined) {
    changes.name = normalizeName(input.name, problems);
    changes.nameKey = indexKeyIfNeeded(changes.name);
  }
  if (input.email === '') changes.email = '';
  else if (input.email !== undefined) changes.email = normalizeEmail(input.email, problems);
  if (input.mails !== undefined) changes.mails = mailsField(input.mails, changes.email || undefined) ?? '';
  if (input.role !== undefined) changes.role = normalizeRole(input.role, problems);
  if (input.userName !== undefined) {
    changes.userName = normalizeIdentifier(input.userName, problems, 'userName');
    changes.userNameKey = indexKeyIfNeeded(changes.userName);
  }
  if (input.externalId === '') changes.externalId = '';
  else if (input.externalId !== undefined) {
    changes.externalId = normalizeIdentifier(input.externalId, problems, 'externalId');
    changes.externalIdKey = indexKeyIfNeeded(changes.externalId);
  }
  if (input.scim !== undefined) changes.scim = input.scim;
  if (input.status !== undefined) changes.status = normalizeStatus(input.status, problems);
  if (problems.length > 0) throw invalidFields(problems);

  const raw = await runScript<RawUser>(ctx.redis, ctx.keys.base, 'update-user', {
    id,
    changes,
    expectedVersion: options.expectedVersion === undefined ? undefined : String(options.expectedVersion),
    keepLastAdminRole: options.keepLastAdminRole === true,
    actor: actor.actorId,
    actorName: actor.actorName,
    source: actor.source,
    auditMax: ctx.auditMaxEvents,
  });
  return toUserRecord(raw);
}
