import { expect } from 'chai';
import { scimFixture, patch, type ScimFixture } from './scim-fixture.js';
import { client } from '../support/http.js';

// SCIM_ADMIN_GROUPS: the members of the named groups are admins; the mapping follows a group by
// id once seen; the last active admin is never demoted; password users are never touched.
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const SYSTEM = { source: 'system' } as const;

describe('SCIM Groups: group → role mapping', () => {
  let f: ScimFixture;
  let serial = 0;
  beforeEach(async () => {
    f = await scimFixture({ SCIM_ADMIN_GROUPS: 'Rune Admins, ext-admins', SCIM_ADMIN_ROLES: 'admin' });
  });
  afterEach(() => f.close());

  const newUser = async (roles: object[] = []) => {
    serial++;
    const created = await f.scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: `member${serial}@corp.test`,
      emails: [{ primary: true, value: `member${serial}@corp.test`, type: 'work' }],
      active: true,
      ...(roles.length ? { roles } : {}),
    });
    expect(created.status, created.text).to.equal(201);
    return created.body.id as string;
  };
  const roleOf = async (id: string) => (await f.server.runtime.directory.getUser(id))!.role;
  const group = async (displayName: string, members: string[] = [], externalId?: string) => {
    const created = await f.scim('POST', '/Groups', {
      schemas: [GROUP],
      displayName,
      ...(externalId ? { externalId } : {}),
      members: members.map((value) => ({ value })),
    });
    expect(created.status, created.text).to.equal(201);
    return created.body.id as string;
  };
  const add = (id: string, uid: string) =>
    f.scim('PATCH', `/Groups/${id}`, patch({ op: 'add', path: 'members', value: [{ value: uid }] }));
  const remove = (id: string, uid: string) =>
    f.scim('PATCH', `/Groups/${id}`, patch({ op: 'remove', path: `members[value eq "${uid}"]` }));
  const audit = async () => {
    const reply = await client(f.server.url).get('/api/v1/audit?limit=100', { token: f.admin.token });
    expect(reply.status, reply.text).to.equal(200);
    return reply.body.events as {
      action: string;
      target: string;
      source: string;
      actorName: string | null;
      details: any;
    }[];
  };

  it('adding a member makes them admin at once; removing them makes them user; both audited with the token', async () => {
    const uid = await newUser();
    const admins = await group('Rune Admins');
    expect((await add(admins, uid)).status).to.equal(204);
    expect(await roleOf(uid)).to.equal('admin');
    expect((await remove(admins, uid)).status).to.equal(204);
    expect(await roleOf(uid)).to.equal('user');

    const events = (await audit()).filter((e) => e.target === uid);
    const actions = events.map((e) => e.action);
    expect(actions).to.include.members(['group.member_added', 'group.member_removed', 'user.role_changed']);
    for (const e of events.filter((x) => x.action.startsWith('group.') || x.action === 'user.role_changed')) {
      expect(e.source).to.equal('scim');
      expect(e.actorName).to.equal('Okta');
    }
    const roles = events.filter((e) => e.action === 'user.role_changed').map((e) => e.details.role);
    expect(roles).to.include.members(['admin', 'user']);
  });

  it('a group that is no admin group changes no role', async () => {
    const uid = await newUser();
    const other = await group('Everyone', [uid]);
    expect(await roleOf(uid)).to.equal('user');
    await remove(other, uid);
    expect(await roleOf(uid)).to.equal('user');
  });

  it('keeps the mapping when the group is renamed (held by id), and deleting the group makes members user', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const admins = await group('Rune Admins', [a]);
    expect(await roleOf(a)).to.equal('admin');
    const renamed = await f.scim(
      'PATCH',
      `/Groups/${admins}`,
      patch({ op: 'replace', value: { id: admins, displayName: 'Platform Owners' } }),
    );
    expect(renamed.status, renamed.text).to.equal(204);
    await add(admins, b);
    expect(await roleOf(b)).to.equal('admin');
    expect((await f.scim('DELETE', `/Groups/${admins}`)).status).to.equal(204);
    expect(await roleOf(a)).to.equal('user');
    expect(await roleOf(b)).to.equal('user');
  });

  it('a member stays admin while another admin group or their SCIM roles say so', async () => {
    const [a, b] = [await newUser(), await newUser([{ value: 'admin' }])];
    expect(await roleOf(b)).to.equal('admin');
    const first = await group('Rune Admins', [a, b]);
    const second = await group('Ops', [a], 'ext-admins');
    expect(await roleOf(a)).to.equal('admin');
    await remove(first, a);
    expect(await roleOf(a), 'still in the externalId-named group').to.equal('admin');
    await remove(second, a);
    expect(await roleOf(a)).to.equal('user');
    await remove(first, b);
    expect(await roleOf(b), 'their roles say admin').to.equal('admin');
    // A /Users write whose roles say user keeps a member of an admin group admin.
    await f.scim('PATCH', `/Groups/${second}`, patch({ op: 'add', path: 'members', value: [{ value: b }] }));
    const put = await f.scim('PUT', `/Users/${b}`, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: (await f.scim('GET', `/Users/${b}`)).body.userName,
      active: true,
    });
    expect(put.status, put.text).to.equal(200);
    expect(await roleOf(b), 'in an admin group, whatever roles say').to.equal('admin');
    await remove(second, b);
    expect(await roleOf(b), 'neither says admin now').to.equal('user');
  });

  it('never demotes the last active admin: the membership goes, the role stays, an audit event says why', async () => {
    const uid = await newUser();
    const admins = await group('Rune Admins', [uid]);
    expect(await roleOf(uid)).to.equal('admin');
    // The first admin (a password user) leaves; the SSO user is the last active admin.
    await f.server.runtime.directory.deactivateUser(f.admin.id, SYSTEM);
    expect((await remove(admins, uid)).status).to.equal(204);
    expect(await roleOf(uid)).to.equal('admin');
    const members = (await f.scim('GET', `/Groups/${admins}`)).body.members;
    expect(members).to.deep.equal([]);
    const events = await f.server.runtime.directory.listAudit({ limit: 20 });
    const kept = events.events.find((e) => e.action === 'user.role_kept' && e.target === uid);
    expect(kept, 'a user.role_kept event').to.not.equal(undefined);
    expect(kept!.details).to.include({ reason: 'last_active_admin', group: admins });
    expect(kept!.source).to.equal('scim');
    // Deleting the group keeps them too.
    await add(admins, uid);
    expect((await f.scim('DELETE', `/Groups/${admins}`)).status).to.equal(204);
    expect(await roleOf(uid)).to.equal('admin');
  });

  it('never changes a password user: they cannot be members', async () => {
    const admins = await group('Rune Admins');
    const refused = await add(admins, f.admin.id);
    expect(refused.status).to.equal(400);
    expect(refused.body).to.include({ scimType: 'invalidValue' });
    expect(await roleOf(f.admin.id)).to.equal('admin');
    const password = await client(f.server.url).post(
      '/api/v1/users',
      { name: 'Pat Password', email: 'pat@corp.test', role: 'user' },
      { token: f.admin.token },
    );
    expect(password.status, password.text).to.equal(201);
    expect((await add(admins, password.body.user.id)).status).to.equal(400);
    expect(await roleOf(password.body.user.id)).to.equal('user');
  });
});
