import { randomUUID } from 'node:crypto';
import type { DirectoryContext } from '../context.js';
import { runScript } from '../scripts.js';
import { invalidFields, type FieldProblem } from '../errors.js';
import {
  normalizeName,
  normalizeEmail,
  normalizeRole,
  normalizeKind,
  normalizeStatus,
  normalizeIdentifier,
  indexKeyIfNeeded,
  canonicalEmail,
} from '../normalize.js';
import { toUserRecord, type RawUser } from '../user-record.js';
import { packPasswordHash } from '../password-codec.js';
import type { Actor, NewUser, UserRecord } from '../types.js';

export interface CreateOptions {
  /** Refuse with already_set_up unless the directory has no user at all (first-admin setup). */
  onlyIfEmpty?: boolean;
}

/** The `mails` field: further addresses, canonical, without the email itself; none is absent. */
export function mailsField(mails: readonly string[] | undefined, email: string | undefined): string | undefined {
  if (mails === undefined) return undefined;
  const values = [...new Set(mails.map(canonicalEmail))].filter((m) => m !== '' && m !== email);
  return values.length > 0 ? JSON.stringify(values) : undefined;
}

export async function createUser(
  ctx: DirectoryContext,
  input: NewUser,
  actor: Actor,
  options: CreateOptions = {},
): Promise<UserRecord> {
  const problems: FieldProblem[] = [];
  const name = normalizeName(input.name, problems);
  // Only an SSO user may have no email (an IdP sent no address); they then need a userName.
  const email =
    input.email === '' && input.kind === 'sso' && input.userName !== undefined
      ? undefined
      : normalizeEmail(input.email, problems);
  const role = normalizeRole(input.role, problems);
  const kind = normalizeKind(input.kind, problems);
  const status = normalizeStatus(input.status ?? 'active', problems);
  // A userName is stored only where it differs from the email; otherwise it is the email.
  const explicitUserName =
    input.userName === undefined ? undefined : normalizeIdentifier(input.userName, problems, 'userName');
  const userName = explicitUserName === email ? undefined : explicitUserName;
  const externalId =
    input.externalId === undefined ? undefined : normalizeIdentifier(input.externalId, problems, 'externalId');
  const nameId = input.nameId === undefined ? undefined : normalizeIdentifier(input.nameId, problems, 'nameId', 1024);
  if (nameId !== undefined && input.kind !== 'sso')
    problems.push({ field: 'nameId', message: 'only SSO users have a SAML NameID' });
  if (input.kind === 'password' && !input.passwordHash)
    problems.push({ field: 'password', message: 'a password user needs a password' });
  if (input.kind === 'sso' && input.passwordHash)
    problems.push({ field: 'password', message: 'an SSO user has no password' });
  if (problems.length > 0) throw invalidFields(problems);

  const user: Record<string, string | undefined> = {
    id: input.id ?? randomUUID(),
    name,
    nameKey: indexKeyIfNeeded(name),
    email,
    userName,
    userNameKey: userName === undefined ? undefined : indexKeyIfNeeded(userName),
    externalId,
    externalIdKey: externalId === undefined ? undefined : indexKeyIfNeeded(externalId),
    nameId,
    role,
    status,
    kind,
    mustChangePassword: input.mustChangePassword ? '1' : undefined,
    scim: input.scim,
    mails: mailsField(input.mails, email),
  };
  const raw = await runScript<RawUser>(ctx.redis, ctx.keys.base, 'create-user', {
    user,
    ...(input.passwordHash ? packPasswordHash(input.passwordHash) : {}),
    onlyIfEmpty: options.onlyIfEmpty === true,
    actor: actor.actorId,
    actorName: actor.actorName,
    source: actor.source,
    auditMax: ctx.auditMaxEvents,
  });
  return toUserRecord(raw);
}
