// The one place that knows directory key names. Every key shares the hash tag `{prefix}`,
// so multi-key scripts run on Redis Cluster too. The Lua scripts build the same names from
// KEYS[1] (the base) with lib.lua's k(...); a name changed here must change there.
//
// The key layout the code uses (`{p}` is `{REDIS_PREFIX}`, `rune` by default). It supersedes the
// starting plan in DESIGN.md: status/role lists are bitmaps, not sorted sets of ids.
//
// | key                                   | type          | holds                                                        |
// |---------------------------------------|---------------|--------------------------------------------------------------|
// | {p}:seq                               | string        | the creation sequence: INCR gives each new user its `seq`    |
// | {p}:user:<id>                         | hash          | the profile (name, email, userName only where it differs     |
// |                                       |               | from the email, externalId, nameId, role, status, kind,      |
// |                                       |               | seq, version, scim JSON), pw/pwp (packed argon2id hash, never|
// |                                       |               | read back with a profile), mustChangePassword, and           |
// |                                       |               | sessionsNotBefore (the session stamp, µs: sessions opened    |
// |                                       |               | before it are ended)                                         |
// | {p}:users                             | sorted set    | id scored by seq: maps a bit's position back to an id, and   |
// |                                       |               | counts everyone                                              |
// | {p}:bits:<status>, :bits:<role>,      | bitmap        | bit `seq` set for each user with that status / role / both   |
// |   :bits:<status>:<role>               |               | (active, inactive, admin, user): filters and exact totals    |
// | {p}:bits:sso, :bits:<status>:sso      | bitmap        | the users SCIM manages (kind sso), alone and by status; no   |
// |                                       |               | bitmap combines sso with a role                              |
// | {p}:admins:active                     | set           | ids of active admins: the last-admin rule counts this        |
// | {p}:idx:email                         | hash          | lower-cased NFC email -> id                                  |
// | {p}:idx:username                      | hash          | lower-cased userName -> id, only where it differs from the   |
// |                                       |               | email (else the email index answers for it)                  |
// | {p}:idx:externalid:<externalId>       | set           | ids of the users with this lower-cased externalId (RFC 7643: |
// |                                       |               | the client's identifier, not unique)                         |
// | {p}:idx:mail:<address>                | set           | ids of SCIM users with this lower-cased `emails` value other |
// |                                       |               | than their directory email (the user hash's `mails` field)   |
// | {p}:idx:nameid                        | hash          | SAML NameID, exactly as the IdP sends it -> id               |
// | {p}:search                            | sorted set    | `term\0seq` at score 0 (term: email, and the lower-cased    |
// |                                       |               | name when it differs): prefix search by ZRANGE BYLEX         |
// | {p}:session:<sha256(token)>           | hash + TTL    | userId, scope (full/password-change), createdAt, lastSeenAt, |
// |                                       |               | absoluteExpiresAt, validFrom (µs, against the user's stamp); |
// |                                       |               | PEXPIREAT slides to min(idle, absolute)                      |
// | {p}:user:<id>:sessions                | sorted set    | token hash scored by expiry: live-session counts, and what   |
// |                                       |               | deleteEndedSessions walks in batches                         |
// | {p}:scim-token:<sha256(token)>        | hash          | id, name, createdAt, lastUsedAt                              |
// | {p}:scim-tokens                       | hash          | token id -> token hash, for listing and revoking             |
// | {p}:scim-tokens:revoked               | pub/sub       | revoked token hashes, so every server drops its cached copy  |
// | {p}:saml:req:<requestId>              | string + TTL  | an issued AuthnRequest, bound to the browser that asked (NX) |
// | {p}:saml:seen:<assertionId>           | string + TTL  | an assertion already consumed, until it expires (replay)     |
// | {p}:rl:<login-pair|login-ip|          | strings + TTL | rate-limiter-flexible counters (`:<key>` appended)           |
// |   login-account|login-slow|           |               |                                                              |
// |   password-change>                    |               |                                                              |
// | {p}:login:known:<sha256(email)>       | sorted set    | address hashes that signed in to the account, by time        |
// | {p}:group:<id>                        | hash          | a SCIM group: displayName, nameKey (lower-cased), externalId,|
// |                                       |               | externalIdKey, version, createdAt, updatedAt, seq            |
// | {p}:group:<id>:members                | set           | the group's member (user) ids: O(1) to add or remove one     |
// | {p}:user:<id>:groups                  | set           | the ids of the groups a user is in (the reverse index)       |
// | {p}:groups                            | sorted set    | group id scored by seq: paging in creation order             |
// | {p}:groups:seq                        | string        | the groups' creation sequence (INCR)                         |
// | {p}:idx:group-name                    | hash          | lower-cased displayName -> group id (displayName is unique)  |
// | {p}:idx:group-externalid:<externalId> | set           | ids of the groups with this externalId (exact; not unique)   |
// | {p}:groups:admin                      | hash          | group id -> the SCIM_ADMIN_GROUPS name it was recognised by  |
// | {p}:audit                             | stream        | capped (MAXLEN ~ AUDIT_MAX_EVENTS): at, actor, actorName,    |
// |                                       |               | source, action, target, targetName (names as they were),     |
// |                                       |               | details                                                      |
// | {p}:<queue>:...                       | BullMQ        | jobs: BullMQ's own keys under the prefix `{p}` (`jobs`)      |

export interface DirectoryKeys {
  readonly base: string;
  user(id: string): string;
  userSessions(id: string): string;
  session(tokenHash: string): string;
  index(name: 'email' | 'username' | 'nameid'): string;
  /** The set of ids holding one lower-cased externalId (not unique, RFC 7643). */
  externalIdSet(key: string): string;
  /** The set of ids of SCIM users with one lower-cased `emails` value besides their directory email. */
  mailSet(address: string): string;
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
  /** A SCIM group's hash, its members (a set of user ids), and a user's groups (the reverse index). */
  group(id: string): string;
  groupMembers(id: string): string;
  userGroups(userId: string): string;
  /** Group ids by creation sequence; the sequence; displayName and externalId indexes; admin groups seen. */
  readonly groups: string;
  readonly groupSequence: string;
  readonly groupNameIndex: string;
  groupExternalIdSet(externalId: string): string;
  readonly adminGroups: string;
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
    externalIdSet: (key) => `${base}:idx:externalid:${key}`,
    mailSet: (address) => `${base}:idx:mail:${address}`,
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
    group: (id) => `${base}:group:${id}`,
    groupMembers: (id) => `${base}:group:${id}:members`,
    userGroups: (userId) => `${base}:user:${userId}:groups`,
    groups: `${base}:groups`,
    groupSequence: `${base}:groups:seq`,
    groupNameIndex: `${base}:idx:group-name`,
    groupExternalIdSet: (externalId) => `${base}:idx:group-externalid:${externalId}`,
    adminGroups: `${base}:groups:admin`,
    jobs: base,
  };
}
