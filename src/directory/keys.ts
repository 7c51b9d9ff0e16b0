// The one place that knows directory key names. Every key shares the hash tag `{prefix}`,
// so multi-key scripts run on Redis Cluster too.

export interface DirectoryKeys {
  readonly base: string;
  user(id: string): string;
  userSessions(id: string): string;
  session(tokenHash: string): string;
  index(name: 'email' | 'username' | 'externalid' | 'nameid'): string;
  readonly search: string;
  readonly audit: string;
  readonly activeAdmins: string;
  readonly sequence: string;
  /** All users: a sorted set of id by creation sequence. */
  readonly users: string;
  /**
   * The name of a status/role filter (its bitmap is `bits:<name>`), or undefined for none.
   * `kind: 'sso'` (the users SCIM manages) exists alone and with a status, not with a role.
   */
  filterName(filter: { status?: string; role?: string; kind?: 'sso' }): string | undefined;
  bits(filterName: string): string;
  samlRequest(requestId: string): string;
  samlAssertionSeen(assertionId: string): string;
  scimToken(tokenHash: string): string;
  readonly scimTokens: string;
  /** Pub/sub channel announcing revoked SCIM token hashes, so servers drop cached ones. */
  readonly scimTokenRevocations: string;
  /** Prefix of one sign-in throttle's counters (rate-limiter-flexible adds `:<key>`). */
  throttle(name: 'login-pair' | 'login-ip' | 'login-account' | 'login-slow' | 'password-change'): string;
  /** Addresses that signed in to an account before (a sorted set by time), by the account's hash. */
  knownAddresses(accountHash: string): string;
  /** BullMQ's prefix for the job queues (it adds `:<queue>:…`): the hash tag alone, so one Cluster slot holds them with the rest. */
  readonly jobs: string;
}

export function directoryKeys(prefix: string): DirectoryKeys {
  const base = `{${prefix}}`;
  return {
    base,
    user: (id) => `${base}:user:${id}`,
    userSessions: (id) => `${base}:user:${id}:sessions`,
    session: (tokenHash) => `${base}:session:${tokenHash}`,
    index: (name) => `${base}:idx:${name}`,
    search: `${base}:search`,
    audit: `${base}:audit`,
    activeAdmins: `${base}:admins:active`,
    sequence: `${base}:seq`,
    users: `${base}:users`,
    filterName: ({ status, role, kind }) => {
      if (kind && role) throw new Error('no bitmap combines a kind with a role');
      return [status, role, kind].filter(Boolean).join(':') || undefined;
    },
    bits: (filterName) => `${base}:bits:${filterName}`,
    samlRequest: (requestId) => `${base}:saml:req:${requestId}`,
    samlAssertionSeen: (assertionId) => `${base}:saml:seen:${assertionId}`,
    scimToken: (tokenHash) => `${base}:scim-token:${tokenHash}`,
    scimTokens: `${base}:scim-tokens`,
    scimTokenRevocations: `${base}:scim-tokens:revoked`,
    throttle: (name) => `${base}:rl:${name}`,
    knownAddresses: (accountHash) => `${base}:login:known:${accountHash}`,
    jobs: base,
  };
}
