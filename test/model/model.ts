// The in-memory model of the guide's rules (test code): what each request must have done, given
// the directory's state. `predict` answers the outcomes a request may have and what each does to
// the state; linearize.ts searches the orders of a concurrent round for one the replies agree with.
//
// A request may read the state at one moment (its session, the password it proves, the SCIM
// resource it reads first) and write at a later one: `check` is the state at the read, `write`
// the state at the write, both taken from the same order of the round (check no later than write).

export type Role = 'admin' | 'user';
export type Status = 'active' | 'inactive';

export interface MSession {
  token: string;
  scope: 'full' | 'password-change';
  alive: boolean;
}

export interface MUser {
  id: string;
  kind: 'password' | 'sso';
  role: Role;
  status: Status;
  email: string;
  name: string;
  password?: string;
  mustChange: boolean;
  sessions: MSession[];
}

export interface MState {
  /** The users that exist. */
  users: Record<string, MUser>;
  /** Every id ever seen, in order: requests pick their targets here (deleted ones give 404). */
  order: string[];
  /** SCIM groups: id -> member ids, sorted. */
  groups: Record<string, string[]>;
  /** Every group id ever seen, in order. */
  groupOrder: string[];
}

/** A request with everything fixed when its round starts (ids, tokens, passwords, bodies). */
export type Req =
  | { kind: 'create'; actorId: string; actorToken: string; email: string; name: string; role: Role }
  | { kind: 'setRole'; actorId: string; actorToken: string; targetId: string; role: Role }
  | {
      kind: 'deactivate' | 'activate' | 'delete' | 'revoke' | 'reset';
      actorId: string;
      actorToken: string;
      targetId: string;
    }
  | { kind: 'signIn'; targetId: string; email: string; password: string }
  | {
      kind: 'changePassword';
      targetId: string;
      token: string;
      scope: MSession['scope'];
      currentPassword?: string;
      newPassword: string;
    }
  | { kind: 'scimCreate'; email: string; name: string }
  | { kind: 'scimPatch'; targetId: string; change: 'deactivate' | 'activate' | 'rename'; name: string }
  | { kind: 'scimPut'; targetId: string; email: string; name: string; active: boolean }
  | { kind: 'scimDelete'; targetId: string }
  | { kind: 'groupCreate'; name: string; members: string[] }
  | { kind: 'groupAdd' | 'groupRemove'; groupId: string; targetId: string };

/** What a reply says: 'ok' (2xx) or its refusal code. */
export type Outcome = string;

export interface ReplyData {
  outcome: Outcome;
  status: number;
  body: any;
}

export interface Allowed {
  outcome: Outcome;
  /** Applies the request to a copy of the write state (absent: it changed nothing). */
  apply?: (state: MState, reply: ReplyData) => void;
}

export const clone = (s: MState): MState => structuredClone(s);

const activeAdmins = (s: MState) =>
  Object.values(s.users).filter((u) => u.status === 'active' && u.role === 'admin').length;

/** lib.lua's is_last_active_admin. */
const isLastActiveAdmin = (s: MState, u: MUser) => u.status === 'active' && u.role === 'admin' && activeAdmins(s) === 1;

/** Deleting a user removes them from every group (in the same script). */
const removeUser = (s: MState, id: string) => {
  delete s.users[id];
  for (const [g, members] of Object.entries(s.groups)) s.groups[g] = members.filter((m) => m !== id);
};

/** A group member must be a user SCIM manages (an SSO user). */
const isMember = (s: MState, id: string) => s.users[id]?.kind === 'sso';

const endSessions = (u: MUser, keep?: string) => {
  for (const session of u.sessions) if (session.token !== keep) session.alive = false;
};

const emailHolder = (s: MState, email: string) =>
  Object.values(s.users).find((u) => u.email.toLowerCase() === email.toLowerCase());

/** requireSession (+ requireAdmin): the refusals a session meets, or null when it passes. */
function sessionRefusal(s: MState, userId: string, token: string, need: 'admin' | 'any'): Outcome[] | null {
  const u = s.users[userId];
  const session = u?.sessions.find((x) => x.token === token);
  if (!u) return ['unauthenticated'];
  // An inactive user's session key is deleted at its first lookup: 403 once, 401 after.
  if (u.status !== 'active') return ['user_inactive', 'unauthenticated'];
  if (!session || !session.alive) return ['unauthenticated'];
  if (need === 'admin') {
    if (session.scope === 'password-change') return ['password_change_required'];
    if (u.role !== 'admin') return ['forbidden'];
  }
  return null;
}

const refusals = (codes: Outcome[]): Allowed[] => codes.map((outcome) => ({ outcome }));

/** The outcomes `req` may have when it reads `check` and writes `write`. */
export function predict(req: Req, check: MState, write: MState): Allowed[] {
  switch (req.kind) {
    case 'create':
    case 'setRole':
    case 'deactivate':
    case 'activate':
    case 'delete':
    case 'revoke':
    case 'reset': {
      const refused = sessionRefusal(check, req.actorId, req.actorToken, 'admin');
      return refused ? refusals(refused) : adminWrite(req, write);
    }
    case 'signIn':
      return signIn(req, check, write);
    case 'changePassword':
      return changePassword(req, check, write);
    case 'scimCreate':
      if (emailHolder(write, req.email)) return refusals(['uniqueness']);
      return [
        {
          outcome: 'ok',
          apply: (s, reply) => {
            const id = String(reply.body.id);
            s.users[id] = newUser(id, 'sso', 'user', req.email, req.name);
            s.order.push(id);
          },
        },
      ];
    case 'groupCreate':
      if (!req.members.every((m) => isMember(write, m))) return refusals(['scim_400_invalidValue']);
      return [
        {
          outcome: 'ok',
          apply: (s, reply) => {
            const id = String(reply.body.id);
            s.groups[id] = [...new Set(req.members)].sort();
            s.groupOrder.push(id);
          },
        },
      ];
    case 'groupAdd':
    case 'groupRemove': {
      const members = write.groups[req.groupId];
      if (!members) return refusals(['not_found']);
      if (req.kind === 'groupAdd' && !isMember(write, req.targetId)) return refusals(['scim_400_invalidValue']);
      return [
        {
          outcome: 'ok',
          apply: (s) => {
            const rest = members.filter((m) => m !== req.targetId);
            s.groups[req.groupId] = req.kind === 'groupAdd' ? [...rest, req.targetId].sort() : rest;
          },
        },
      ];
    }
    default:
      return scimWrite(req, check, write);
  }
}

function newUser(id: string, kind: MUser['kind'], role: Role, email: string, name: string, password?: string): MUser {
  return {
    id,
    kind,
    role,
    status: 'active',
    email: email.toLowerCase(),
    name,
    password,
    mustChange: !!password,
    sessions: [],
  };
}

type AdminReq = Extract<Req, { actorId: string }>;

function adminWrite(req: AdminReq, s: MState): Allowed[] {
  if (req.kind === 'create') {
    if (emailHolder(s, req.email)) return refusals(['email_taken']);
    return [
      {
        outcome: 'ok',
        apply: (next, reply) => {
          const id = String(reply.body.user.id);
          next.users[id] = newUser(id, 'password', req.role, req.email, req.name, String(reply.body.temporaryPassword));
          next.order.push(id);
        },
      },
    ];
  }
  const target = s.users[req.targetId];
  if (!target) return refusals(['not_found']);
  const self = req.actorId === target.id;
  const change = (fn: (u: MUser, reply: ReplyData, next: MState) => void): Allowed[] => [
    { outcome: 'ok', apply: (next, reply) => fn(next.users[target.id]!, reply, next) },
  ];
  // Done, then answered from a second read (after the clean-up job, or between two writes): a
  // user deleted meanwhile makes a request that took effect answer 404 (acknowledged as done
  // by nobody, so the model lets it be either).
  const changeThenGone = (fn: (u: MUser, reply: ReplyData, next: MState) => void): Allowed[] => [
    ...change(fn),
    { outcome: 'not_found', apply: (next, reply) => fn(next.users[target.id]!, reply, next) },
  ];
  switch (req.kind) {
    case 'setRole':
      if (req.role === target.role) return [{ outcome: 'ok' }];
      if (self) return refusals(['cannot_change_own_role']);
      if (isLastActiveAdmin(s, target)) return refusals(['last_active_admin']);
      return change((u) => (u.role = req.role));
    case 'deactivate':
      if (self) return refusals(['cannot_deactivate_self']);
      if (target.status === 'inactive') return [{ outcome: 'ok' }];
      if (isLastActiveAdmin(s, target)) return refusals(['last_active_admin']);
      return (target.sessions.length > 0 ? changeThenGone : change)((u) => {
        u.status = 'inactive';
        endSessions(u);
      });
    case 'activate':
      if (target.status === 'active') return [{ outcome: 'ok' }];
      return change((u) => (u.status = 'active'));
    case 'delete': {
      if (self) return refusals(['cannot_delete_self']);
      if (isLastActiveAdmin(s, target)) return refusals(['last_active_admin']);
      const remove = change((_u, _r, next) => removeUser(next, target.id));
      if (target.status !== 'active' || target.sessions.length === 0) return remove;
      // Live sessions refuse it; ended ones count until the clean-up job (or a lookup) deletes their keys.
      if (target.sessions.some((x) => x.alive)) return refusals(['active_sessions']);
      return [...remove, { outcome: 'active_sessions' }];
    }
    case 'revoke':
      return changeThenGone((u) => endSessions(u));
    case 'reset':
      if (target.kind !== 'password') return refusals(['sso_user']);
      return changeThenGone((u, reply) => {
        u.password = reply.status < 300 ? String(reply.body.temporaryPassword) : undefined;
        u.mustChange = true;
        endSessions(u);
      });
  }
}

function signIn(req: Extract<Req, { kind: 'signIn' }>, check: MState, write: MState): Allowed[] {
  const u = check.users[req.targetId];
  if (!u || u.email !== req.email.toLowerCase()) return refusals(['invalid_credentials']);
  if (u.kind === 'sso') return refusals(['sso_required']);
  if (u.password !== req.password) return refusals(['invalid_credentials']);
  if (u.status !== 'active') return refusals(['user_inactive']);
  const scope = u.mustChange ? 'password-change' : 'full';
  // The session opens in a later write, which refuses a user deleted or deactivated meanwhile
  // (a deleted one as not_found: the directory's code, not invalid_credentials).
  const now = write.users[u.id];
  if (!now) return refusals(['not_found']);
  if (now.status !== 'active') return refusals(['user_inactive']);
  // The hash is read after the user: a password changed meanwhile may be the one verified.
  const stale: Allowed[] = now.password !== req.password ? [{ outcome: 'invalid_credentials' }] : [];
  return [
    {
      outcome: 'ok',
      apply: (next, reply) => {
        next.users[u.id]!.sessions.push({ token: String(reply.body.token), scope, alive: true });
      },
    },
    ...stale,
  ];
}

function changePassword(req: Extract<Req, { kind: 'changePassword' }>, check: MState, write: MState): Allowed[] {
  const refused = sessionRefusal(check, req.targetId, req.token, 'any');
  if (refused) return refusals(refused);
  const u = check.users[req.targetId]!;
  if (u.kind !== 'password') return refusals(['sso_required']);
  const scope = u.sessions.find((x) => x.token === req.token)!.scope;
  if (scope === 'full') {
    if (req.currentPassword === undefined) return refusals(['validation_failed']);
    if (req.currentPassword !== u.password) return refusals(['password_rejected']);
  }
  const now = write.users[u.id];
  if (!now) return refusals(['not_found']);
  // The hash is read after the session: a password reset meanwhile refuses the current one.
  const stale: Allowed[] =
    scope === 'full' && now.password !== req.currentPassword ? [{ outcome: 'password_rejected' }] : [];
  const apply = (next: MState) => {
    const n = next.users[u.id]!;
    n.password = req.newPassword;
    n.mustChange = false;
    const own = n.sessions.find((x) => x.token === req.token);
    if (own) own.scope = 'full';
    // Every other session ends; the caller's own stays as it is: one ended meanwhile stays ended.
    endSessions(n, req.token);
  };
  const own = now.sessions.find((x) => x.token === req.token);
  // The write refuses once the session has ended meanwhile (a reset, a revocation, a
  // deactivation): the password stays as that left it.
  if (!own || !own.alive) return [{ outcome: 'session_ended' }, ...stale];
  return [{ outcome: 'ok', apply }, ...stale];
}

type ScimReq = Extract<Req, { kind: 'scimPatch' | 'scimPut' | 'scimDelete' }>;

function scimWrite(req: ScimReq, check: MState, write: MState): Allowed[] {
  const seen = check.users[req.targetId];
  // SCIM manages only the users it provisions (rule 8): any other is a 404, like no user.
  if (!seen || seen.kind !== 'sso') return refusals(['not_found']);
  const u = write.users[req.targetId];
  if (!u) return refusals(['not_found']);
  if (req.kind === 'scimDelete') {
    if (isLastActiveAdmin(write, u)) return refusals(['last_active_admin']);
    return [{ outcome: 'ok', apply: (next) => removeUser(next, u.id) }];
  }
  const status: Status =
    req.kind === 'scimPut'
      ? req.active
        ? 'active'
        : 'inactive'
      : req.change === 'deactivate'
        ? 'inactive'
        : req.change === 'activate'
          ? 'active'
          : u.status;
  const name = req.kind === 'scimPut' || req.change === 'rename' ? req.name : u.name;
  if (status === u.status && name === u.name) return [{ outcome: 'ok' }];
  if (status === 'inactive' && u.status === 'active' && isLastActiveAdmin(write, u))
    return refusals(['last_active_admin']);
  return [
    {
      outcome: 'ok',
      apply: (next) => {
        const n = next.users[u.id]!;
        n.name = name;
        if (n.status !== status) endSessions(n);
        n.status = status;
      },
    },
  ];
}

/** The part of a user the directory shows (getUser), to compare with the model. */
export interface Observed {
  status: Status;
  role: Role;
  kind: MUser['kind'];
  email: string;
  name: string;
  mustChange: boolean;
}

export const observe = (u: MUser): Observed => ({
  status: u.status,
  role: u.role,
  kind: u.kind,
  email: u.email,
  name: u.name,
  mustChange: u.mustChange,
});

/** Whether the state agrees with what the directory holds for every id (null: no such user or group). */
export function agrees(
  s: MState,
  real: Map<string, Observed | null>,
  realGroups: Map<string, string[] | null>,
): string | null {
  for (const id of s.groupOrder) {
    const m = s.groups[id]?.join(',') ?? null;
    const r = realGroups.get(id)?.join(',') ?? null;
    if (m !== r) return `group ${id}: members ${r} in the directory, ${m} in the model`;
  }
  for (const id of s.order) {
    const m = s.users[id];
    const r = real.get(id) ?? null;
    if (!m && !r) continue;
    if (!m || !r) return `${id}: model ${m ? 'has' : 'lacks'} the user, the directory ${r ? 'has' : 'lacks'} it`;
    const o = observe(m);
    for (const key of Object.keys(o) as (keyof Observed)[]) {
      if (o[key] !== r[key])
        return `${id}: ${key} is ${String(r[key])} in the directory, ${String(o[key])} in the model`;
    }
  }
  return null;
}
