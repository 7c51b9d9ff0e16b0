// The one place that knows directory key names. Every key shares the hash tag `{prefix}`,
// so multi-key scripts run on Redis Cluster too.

export interface DirectoryKeys {
  readonly base: string;
  user(id: string): string;
  userPassword(id: string): string;
  userSessions(id: string): string;
  session(tokenHash: string): string;
  index(name: 'email' | 'username' | 'externalid'): string;
  readonly search: string;
  readonly audit: string;
  readonly activeAdmins: string;
  readonly sequence: string;
  /** Key suffix of the sorted set for a filter, relative to `base`. */
  listSuffix(filter: { status?: string; role?: string }): string;
  scimToken(tokenHash: string): string;
  readonly scimTokens: string;
}

export function directoryKeys(prefix: string): DirectoryKeys {
  const base = `{${prefix}}`;
  return {
    base,
    user: (id) => `${base}:user:${id}`,
    userPassword: (id) => `${base}:user:${id}:password`,
    userSessions: (id) => `${base}:user:${id}:sessions`,
    session: (tokenHash) => `${base}:session:${tokenHash}`,
    index: (name) => `${base}:idx:${name}`,
    search: `${base}:search`,
    audit: `${base}:audit`,
    activeAdmins: `${base}:admins:active`,
    sequence: `${base}:seq`,
    listSuffix: ({ status, role }) => ['users', status, role].filter(Boolean).join(':'),
    scimToken: (tokenHash) => `${base}:scim-token:${tokenHash}`,
    scimTokens: `${base}:scim-tokens`,
  };
}
