// The audit log in people's words: one table from each recorded action to what it says, and the
// words for who acted (the source) and on whom. An action this table lacks still reads as words.

export interface AuditEvent {
  id: string;
  at: string;
  actor: string | null;
  actorName?: string | null;
  source: string;
  action: string;
  target: string;
  targetName?: string | null;
  details: Record<string, unknown>;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const roleWord = (role: unknown) => (role === 'admin' ? 'Admin' : role === 'user' ? 'User' : undefined);

const SESSION_REASONS: Record<string, string> = {
  deactivation: 'on deactivation',
  deletion: 'on deletion',
  'password-change': 'after a password change',
};

/** A user's fields as the guide and the IdPs name them. */
const FIELDS: Record<string, string> = {
  name: 'name',
  email: 'email',
  role: 'role',
  userName: 'userName',
  externalId: 'externalId',
  scim: 'SCIM attributes',
  mails: 'emails',
};

/** Each action the service records, in words. */
const ACTIONS: Record<string, (d: Record<string, unknown>) => string> = {
  'user.created': () => 'Created user',
  'user.updated': (d) => {
    const fields = Array.isArray(d.fields) ? d.fields.filter((f): f is string => typeof f === 'string') : [];
    return fields.length > 0 ? `Updated user (${fields.map((f) => FIELDS[f] ?? f).join(', ')})` : 'Updated user';
  },
  'user.role_changed': (d) => (roleWord(d.role) ? `Changed role to ${roleWord(d.role)}` : 'Changed role'),
  'user.role_kept': () => 'Kept the Admin role: the last active admin',
  'user.activated': () => 'Activated user',
  'user.deactivated': () => 'Deactivated user',
  'user.deleted': () => 'Deleted user',
  'user.password_changed': () => 'Changed password',
  'user.password_reset': () => 'Reset password',
  'user.signed_in': (d) =>
    d.method === 'saml' ? 'Signed in with SSO' : d.method === 'password' ? 'Signed in with password' : 'Signed in',
  'user.converted_to_sso': () => 'Handed over to the identity provider (SSO)',
  'user.linked_sso': () => 'Linked to an SSO account',
  'sessions.revoked': (d) => {
    const n = count(d.count);
    const reason = text(d.reason) ? SESSION_REASONS[d.reason as string] : undefined;
    const what = n === undefined ? 'Ended sessions' : `Ended ${plural(n, 'session', 'sessions')}`;
    return reason ? `${what} ${reason}` : what;
  },
  'saml.binding_refused': () => 'Refused an SSO sign-in from another identity',
  'scim_token.created': () => 'Created SCIM token',
  'scim_token.revoked': () => 'Revoked SCIM token',
  'group.created': () => 'Created group',
  'group.updated': () => 'Updated group',
  'group.deleted': () => 'Deleted group',
  'group.member_added': (d) => (text(d.displayName) ? `Added to group “${d.displayName}”` : 'Added to a group'),
  'group.member_removed': (d) =>
    text(d.displayName) ? `Removed from group “${d.displayName}”` : 'Removed from a group',
};

/** What happened, e.g. "Deactivated user" for user.deactivated. */
export function actionWords(event: Pick<AuditEvent, 'action' | 'details'>): string {
  const words = ACTIONS[event.action];
  if (words) return words(event.details ?? {});
  // A newer action than this table: its name in words ("user.some_thing" → "User: some thing").
  const [subject, verb] = event.action.split('.', 2);
  const readable = (s: string) => s.replace(/[_-]+/g, ' ').trim();
  if (!subject) return 'Unknown event';
  const head = readable(subject).replace(/^./, (c) => c.toUpperCase());
  return verb ? `${head}: ${readable(verb)}` : head;
}

/** Where a change came from, as the guide names the sources. */
const SOURCES: Record<string, string> = {
  'admin-api': 'admin',
  auth: 'sign-in',
  scim: 'scim',
  saml: 'saml',
  cli: 'cli',
  job: 'job',
  system: 'system',
};
export const sourceWord = (source: string): string => SOURCES[source] ?? source;

/** Who acted, in words, when no name was recorded. */
export function actorWords(event: Pick<AuditEvent, 'actor' | 'actorName' | 'source'>): string {
  if (event.actorName) return event.actorName;
  if (event.actor) return 'A user no longer in the directory';
  switch (event.source) {
    case 'scim':
      return 'Identity provider';
    case 'saml':
      return 'Identity provider (SSO)';
    case 'cli':
      return 'Command line';
    case 'admin-api':
      // The first admin's own signup, while the directory was empty.
      return 'First-admin setup';
    default:
      return 'The service';
  }
}

/** On whom (or what): the name, and the kind when it is no user. */
export function targetWords(event: AuditEvent): { name: string; kind?: string } {
  if (event.action.startsWith('scim_token.')) return { name: event.targetName ?? 'a SCIM token', kind: 'SCIM token' };
  if (/^group\.(created|updated|deleted)$/.test(event.action)) {
    return { name: text(event.details?.displayName) ?? event.targetName ?? 'a group', kind: 'group' };
  }
  if (event.targetName) return { name: event.targetName };
  return { name: event.target ? 'A user no longer in the directory' : '—' };
}
