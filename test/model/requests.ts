import fc from 'fast-check';
import { call } from '../support/http.js';
import type { MState, ReplyData, Req, Role } from './model.js';

// The operations a run draws (targets as indices, fixed into requests when their round starts),
// and how each request is sent over HTTP and its reply read.

export type Op =
  | { kind: 'create'; actor: number; role: Role; reuseEmailOf?: number }
  | { kind: 'setRole'; actor: number; target: number; role: Role }
  | { kind: 'deactivate' | 'activate' | 'delete' | 'revoke' | 'reset'; actor: number; target: number }
  | { kind: 'signIn'; target: number; wrongPassword: boolean }
  | { kind: 'changePassword'; target: number }
  | { kind: 'scimCreate'; reuseEmailOf?: number }
  | { kind: 'scimPatch'; target: number; change: 'deactivate' | 'activate' | 'rename' }
  | { kind: 'scimPut'; target: number; active: boolean }
  | { kind: 'scimDelete'; target: number }
  | { kind: 'groupCreate'; members: number[] }
  | { kind: 'groupAdd' | 'groupRemove'; group: number; target: number };

/** The three admins who act, as indices into the seeded users (0-2). */
export const ADMINS = 3;

const actor = fc.nat({ max: ADMINS - 1 });
const target = fc.nat({ max: 31 });
const role = fc.constantFrom<Role>('admin', 'user');
/** Mostly undefined (a fresh email), now and then an index (another user's email in capitals). */
const maybe = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    actor,
    role: fc.constantFrom<Role>('user', 'user', 'admin'),
    reuseEmailOf: maybe(target),
  }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('setRole' as const), actor, target, role }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constantFrom(
        'deactivate' as const,
        'deactivate' as const,
        'activate' as const,
        'delete' as const,
        'revoke' as const,
      ),
      actor,
      target,
    }),
  },
  fc.record({ kind: fc.constant('reset' as const), actor, target }),
  fc.record({ kind: fc.constant('signIn' as const), target, wrongPassword: fc.boolean() }),
  fc.record({ kind: fc.constant('changePassword' as const), target }),
  fc.record({ kind: fc.constant('scimCreate' as const), reuseEmailOf: maybe(target) }),
  fc.record({
    kind: fc.constant('scimPatch' as const),
    target,
    change: fc.constantFrom('deactivate' as const, 'activate' as const, 'rename' as const),
  }),
  fc.record({ kind: fc.constant('scimPut' as const), target, active: fc.boolean() }),
  fc.record({ kind: fc.constant('scimDelete' as const), target }),
  fc.record({ kind: fc.constant('groupCreate' as const), members: fc.array(target, { maxLength: 2 }) }),
  fc.record({
    kind: fc.constantFrom('groupAdd' as const, 'groupRemove' as const),
    group: fc.nat({ max: 7 }),
    target,
  }),
);

/** A round: up to four requests sent at once. */
export const roundArb = fc.array(opArb, { minLength: 1, maxLength: 4 });

const WORDS = ['amber', 'birch', 'cobalt', 'dune', 'ember', 'fjord', 'garnet', 'heron', 'indigo', 'juniper'];

/** Names, emails and passwords unique within a run (passwords share no word with a name or an email). */
export class Fresh {
  private n = 0;
  constructor(readonly runTag: string) {}
  next() {
    return ++this.n;
  }
  email(label: string) {
    return `${label}${this.next()}x${this.runTag}@model.test`;
  }
  name(label: string) {
    return `${label} Person ${this.next()}`;
  }
  password() {
    const n = this.next();
    return `${WORDS[n % 10]} lantern ${WORDS[(n * 7) % 10]} meadow ${n}`;
  }
}

/** The newest live session of a user in `s`, else their newest. */
const sessionOf = (s: MState, id: string) => {
  const sessions = s.users[id]?.sessions ?? [];
  return [...sessions].reverse().find((x) => x.alive) ?? sessions[sessions.length - 1];
};

/**
 * Fixes an operation into a request against `s` (the round's first candidate state): whom it
 * targets, which token and password its sender holds. Undefined when its sender holds nothing
 * to send it with (a password change by a user never signed in).
 */
export function resolve(op: Op, s: MState, admins: string[], fresh: Fresh): Req | undefined {
  const id = (index: number) => s.order[index % s.order.length]!;
  // Admin requests aim at an admin one time in two, SCIM requests at an SSO user three in four:
  // that is where the rules meet (the last admin, the IdP's users).
  const adminish = (index: number) => (index % 2 === 0 ? admins[Math.floor(index / 2) % admins.length]! : id(index));
  const sso = s.order.filter((x) => s.users[x]?.kind === 'sso');
  const ssoish = (index: number) => (index % 4 !== 0 && sso.length > 0 ? sso[index % sso.length]! : id(index));
  const emailOf = (index: number) => s.users[id(index)]?.email.toUpperCase() ?? fresh.email('gone');
  switch (op.kind) {
    case 'create':
    case 'setRole':
    case 'deactivate':
    case 'activate':
    case 'delete':
    case 'revoke':
    case 'reset': {
      const actorId = admins[op.actor]!;
      const actorToken = sessionOf(s, actorId)?.token ?? 'no-session';
      if (op.kind === 'create') {
        const email = op.reuseEmailOf === undefined ? fresh.email('made') : emailOf(op.reuseEmailOf);
        return { kind: 'create', actorId, actorToken, email, name: fresh.name('Made'), role: op.role };
      }
      const targetId = adminish(op.target);
      if (op.kind === 'setRole') return { kind: 'setRole', actorId, actorToken, targetId, role: op.role };
      return { kind: op.kind, actorId, actorToken, targetId };
    }
    case 'signIn': {
      const u = s.users[id(op.target)];
      if (!u)
        return { kind: 'signIn', targetId: id(op.target), email: fresh.email('gone'), password: fresh.password() };
      const password = op.wrongPassword || !u.password ? fresh.password() : u.password;
      return { kind: 'signIn', targetId: u.id, email: u.email, password };
    }
    case 'changePassword': {
      const targetId = id(op.target);
      const session = sessionOf(s, targetId);
      if (!session) return undefined;
      const u = s.users[targetId]!;
      return {
        kind: 'changePassword',
        targetId,
        token: session.token,
        scope: session.scope,
        currentPassword: session.scope === 'full' ? (u.password ?? fresh.password()) : undefined,
        newPassword: fresh.password(),
      };
    }
    case 'scimCreate': {
      const email = op.reuseEmailOf === undefined ? fresh.email('idp') : emailOf(op.reuseEmailOf);
      return { kind: 'scimCreate', email, name: fresh.name('Idp') };
    }
    case 'scimPatch':
      return { kind: 'scimPatch', targetId: ssoish(op.target), change: op.change, name: fresh.name('Renamed') };
    case 'scimPut': {
      const targetId = ssoish(op.target);
      const email = s.users[targetId]?.email ?? fresh.email('gone');
      return { kind: 'scimPut', targetId, email, name: fresh.name('Put'), active: op.active };
    }
    case 'scimDelete':
      return { kind: 'scimDelete', targetId: ssoish(op.target) };
    case 'groupCreate':
      return { kind: 'groupCreate', name: fresh.name('Group'), members: op.members.map(ssoish) };
    case 'groupAdd':
    case 'groupRemove': {
      if (s.groupOrder.length === 0)
        return { kind: 'groupCreate', name: fresh.name('Group'), members: [ssoish(op.target)] };
      const groupId = s.groupOrder[op.group % s.groupOrder.length]!;
      return { kind: op.kind, groupId, targetId: ssoish(op.target) };
    }
  }
}

const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SCIM_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const scimUser = (email: string, name: string, active: boolean) => ({
  schemas: [SCIM_USER],
  userName: email,
  name: { formatted: name },
  displayName: name,
  emails: [{ value: email, primary: true, type: 'work' }],
  active,
});

function scimOutcome(status: number, body: any): string {
  if (status < 300) return 'ok';
  if (status === 404) return 'not_found';
  if (status === 409 && body?.scimType === 'uniqueness') return 'uniqueness';
  if (status === 409 && /last active admin/i.test(String(body?.detail))) return 'last_active_admin';
  return `scim_${status}_${body?.scimType ?? ''}`;
}

/** Sends a request; the reply's outcome is 'ok' for a 2xx, else its refusal code. */
export async function send(base: string, scimToken: string, req: Req): Promise<ReplyData> {
  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const reply = await call(base, method, path, { token, body });
    const outcome = reply.status < 300 ? 'ok' : String(reply.body?.code ?? `http_${reply.status}`);
    return { outcome, status: reply.status, body: reply.body };
  };
  const scim = async (method: string, path: string, body?: unknown) => {
    const reply = await call(base, method, `/scim/v2${path}`, {
      token: scimToken,
      body,
      headers: body === undefined ? {} : { 'content-type': 'application/scim+json' },
    });
    return { outcome: scimOutcome(reply.status, reply.body), status: reply.status, body: reply.body };
  };
  const user = (id: string) => `/api/v1/users/${id}`;
  switch (req.kind) {
    case 'create':
      return api('POST', '/api/v1/users', req.actorToken, { name: req.name, email: req.email, role: req.role });
    case 'setRole':
      return api('PATCH', user(req.targetId), req.actorToken, { role: req.role });
    case 'delete':
      return api('DELETE', user(req.targetId), req.actorToken);
    case 'deactivate':
    case 'activate':
      return api('POST', `${user(req.targetId)}/${req.kind}`, req.actorToken);
    case 'revoke':
      return api('POST', `${user(req.targetId)}/revoke-sessions`, req.actorToken);
    case 'reset':
      return api('POST', `${user(req.targetId)}/reset-password`, req.actorToken);
    case 'signIn':
      return api('POST', '/auth/login', '', { email: req.email, password: req.password });
    case 'changePassword':
      return api(
        'POST',
        '/auth/password',
        req.token,
        req.currentPassword === undefined
          ? { newPassword: req.newPassword }
          : { currentPassword: req.currentPassword, newPassword: req.newPassword },
      );
    case 'scimCreate':
      return scim('POST', '/Users', scimUser(req.email, req.name, true));
    case 'scimPut':
      return scim('PUT', `/Users/${req.targetId}`, scimUser(req.email, req.name, req.active));
    case 'scimPatch': {
      const Operations =
        req.change === 'rename'
          ? [
              { op: 'replace', path: 'displayName', value: req.name },
              { op: 'replace', path: 'name.formatted', value: req.name },
            ]
          : [{ op: 'replace', path: 'active', value: req.change === 'activate' }];
      return scim('PATCH', `/Users/${req.targetId}`, { schemas: [PATCH_OP], Operations });
    }
    case 'scimDelete':
      return scim('DELETE', `/Users/${req.targetId}`);
    case 'groupCreate':
      return scim('POST', '/Groups', {
        schemas: [SCIM_GROUP],
        displayName: req.name,
        members: req.members.map((value) => ({ value })),
      });
    case 'groupAdd':
    case 'groupRemove':
      return scim('PATCH', `/Groups/${req.groupId}`, {
        schemas: [PATCH_OP],
        Operations: [
          req.kind === 'groupAdd'
            ? { op: 'add', path: 'members', value: [{ value: req.targetId }] }
            : { op: 'remove', path: `members[value eq "${req.targetId}"]` },
        ],
      });
  }
}

/** One line per request for a failure's trace. */
export function describeReq(req: Req, reply?: ReplyData): string {
  const { kind, ...rest } = req as Req & Record<string, unknown>;
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' && v.length > 24 ? `${v.slice(0, 8)}…` : String(v)}`)
    .join(' ');
  return `${kind}(${fields})${reply ? ` -> ${reply.status} ${reply.outcome}` : ''}`;
}
