import { expect } from 'chai';
import { scimFixture, patch, type ScimFixture } from '../scim/scim-fixture.js';
import { client, type Client } from '../support/http.js';
import { onboardUser } from '../support/journeys.js';
import { SYSTEM } from '../support/factories.js';

// Findings 5 and 6 of issue 9: an IdP token controlled users it never provisioned (it renamed,
// deactivated, deleted and reactivated password users), and removing the admin role at the IdP
// did not demote. SCIM now manages only SSO users (DESIGN.md rule 8), and with SCIM_ADMIN_ROLES
// the role follows the roles sent.

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const q = (filter: string) => `/Users?filter=${encodeURIComponent(filter)}`;
const scimUser = (email: string, extra: object = {}): Record<string, unknown> => ({
  schemas: [CORE],
  userName: email,
  name: { givenName: 'Idp', familyName: 'User' },
  emails: [{ value: email, type: 'work', primary: true }],
  active: true,
  ...extra,
});
const ADMIN_ROLE = [{ value: 'Rune Admin', primary: true }];

async function expectDoctorClean(f: ScimFixture) {
  const report = await f.server.runtime.directory.checkIndexes();
  expect(report.mismatches).to.deep.equal([]);
}

describe('security: an IdP token controls only the users SCIM manages', () => {
  let f: ScimFixture;
  let api: Client;
  before(async () => {
    f = await scimFixture();
    api = client(f.server.url);
  });
  after(() => f.close());

  it('an IdP token cannot see, change, deactivate or delete a user created in the admin API (404 each, and the user is unchanged)', async () => {
    const created = await api.post(
      '/api/v1/users',
      { name: 'Pat Password', email: 'pat@corp.test', role: 'admin' },
      { token: f.admin.token },
    );
    expect(created.status, created.text).to.equal(201);
    const id = created.body.user.id as string;
    const sso = await f.scim('POST', '/Users', scimUser('idp.one@corp.test'));
    expect(sso.status, sso.text).to.equal(201);
    const before = await f.server.runtime.directory.getUser(id);

    expect((await f.scim('GET', `/Users/${id}`)).status).to.equal(404);
    expect((await f.scim('GET', `/Users/${f.admin.id}`)).status).to.equal(404);
    for (const filter of [
      'userName eq "pat@corp.test"',
      'emails.value eq "pat@corp.test"',
      `id eq "${id}"`,
      'userName sw "pat"',
      'userName eq "pat@corp.test" and active eq true',
    ]) {
      const found = await f.scim('GET', q(filter));
      expect(found.status, filter).to.equal(200);
      expect(found.body.totalResults, filter).to.equal(0);
    }
    // Totals count only what SCIM sees: the one SSO user, not the two password users.
    for (const path of ['/Users', q('active eq true'), '/Users?sortBy=userName']) {
      const all = await f.scim('GET', path);
      expect(all.body.totalResults, path).to.equal(1);
      expect(
        all.body.Resources.map((r: { id: string }) => r.id),
        path,
      ).to.deep.equal([sso.body.id]);
    }
    const search = await f.scim('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName pr',
    });
    expect(search.body.totalResults).to.equal(1);

    expect((await f.scim('PUT', `/Users/${id}`, scimUser('taken.over@corp.test'))).status).to.equal(404);
    expect((await f.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { active: false } }))).status).to.equal(
      404,
    );
    expect(
      (
        await f.scim(
          'PATCH',
          `/Users/${id}`,
          patch({ op: 'replace', path: 'emails[type eq "work"].value', value: 'x@corp.test' }),
        )
      ).status,
    ).to.equal(404);
    expect((await f.scim('DELETE', `/Users/${id}`)).status).to.equal(404);

    const after = await f.server.runtime.directory.getUser(id);
    expect(after).to.deep.include({
      email: 'pat@corp.test',
      name: 'Pat Password',
      status: 'active',
      role: 'admin',
      kind: 'password',
      version: before!.version,
    });
    await expectDoctorClean(f);
  });

  it('a SCIM POST colliding with a password user gets 409 uniqueness naming convert-to-sso', async () => {
    const created = await api.post(
      '/api/v1/users',
      { name: 'Casey Collide', email: 'casey@corp.test', role: 'user' },
      { token: f.admin.token },
    );
    expect(created.status, created.text).to.equal(201);

    const byUserName = await f.scim('POST', '/Users', scimUser('casey@corp.test'));
    expect(byUserName.status).to.equal(409);
    expect(byUserName.body.scimType).to.equal('uniqueness');
    expect(byUserName.body.detail).to.match(/convert-to-sso/);
    const byEmail = await f.scim('POST', '/Users', scimUser('casey@corp.test', { userName: 'casey-idp' }));
    expect(byEmail.status).to.equal(409);
    expect(byEmail.body).to.include({ scimType: 'uniqueness' });
    expect(byEmail.body.detail).to.match(/POST \/api\/v1\/users\/\{id\}\/convert-to-sso/);

    // A collision with a user SCIM already manages is the plain uniqueness conflict.
    expect((await f.scim('POST', '/Users', scimUser('idp.two@corp.test'))).status).to.equal(201);
    const again = await f.scim('POST', '/Users', scimUser('idp.two@corp.test'));
    expect(again.status).to.equal(409);
    expect(again.body.scimType).to.equal('uniqueness');
    expect(again.body.detail).not.to.match(/convert-to-sso/);
  });

  it('after convert-to-sso, SCIM can take the user over and the old password no longer signs in', async () => {
    const password = 'a long password of their own';
    const user = await onboardUser(api, f.admin.token, { name: 'Toni Handover', email: 'toni@corp.test' }, password);
    const session = await api.post('/auth/login', { email: 'toni@corp.test', password });
    expect(session.status).to.equal(200);
    expect((await f.scim('GET', `/Users/${user.id}`)).status).to.equal(404);

    const converted = await api.post(`/api/v1/users/${user.id}/convert-to-sso`, undefined, { token: f.admin.token });
    expect(converted.status, converted.text).to.equal(200);
    expect(converted.body.user).to.include({ id: user.id, kind: 'sso', status: 'active' });
    expect((await api.get('/auth/session', { token: session.body.token })).status).to.equal(401);
    const login = await api.post('/auth/login', { email: 'toni@corp.test', password });
    expect(login.status).to.be.within(400, 499);
    expect(login.body).not.to.have.property('token');

    const found = await f.scim('GET', q('userName eq "toni@corp.test"'));
    expect(found.body.totalResults).to.equal(1);
    const taken = await f.scim(
      'PUT',
      `/Users/${user.id}`,
      scimUser('toni@corp.test', { externalId: 'okta-toni', name: { formatted: 'Toni From Okta' } }),
    );
    expect(taken.status, taken.text).to.equal(200);
    expect(taken.body).to.include({ externalId: 'okta-toni', active: true });
    expect((await f.server.runtime.directory.getUser(user.id))!.name).to.equal('Toni From Okta');

    const audit = await api.get('/api/v1/audit?limit=50', { token: f.admin.token });
    expect(
      audit.body.events.some(
        (e: { action: string; target: string }) => e.action === 'user.converted_to_sso' && e.target === user.id,
      ),
    ).to.equal(true);
    const twice = await api.post(`/api/v1/users/${user.id}/convert-to-sso`, undefined, { token: f.admin.token });
    expect(twice.status).to.equal(409);
    expect(twice.headers.get('content-type')).to.match(/application\/problem\+json/);
    expect(twice.body.code).to.equal('already_sso');
    expect(
      (
        await api.post('/api/v1/users/6f1c1d1e-0000-4000-8000-000000000000/convert-to-sso', undefined, {
          token: f.admin.token,
        })
      ).status,
    ).to.equal(404);
    await expectDoctorClean(f);
  });

  it('a SCIM PUT without active leaves an admin-deactivated SSO user inactive', async () => {
    const created = await f.scim('POST', '/Users', scimUser('dana@corp.test'));
    const id = created.body.id as string;
    const off = await api.post(`/api/v1/users/${id}/deactivate`, undefined, { token: f.admin.token });
    expect(off.status, off.text).to.be.oneOf([200, 202]);
    expect((await f.server.runtime.directory.getUser(id))!.status).to.equal('inactive');

    const { active: _omitted, ...withoutActive } = scimUser('dana@corp.test', { title: 'Renamed by the IdP' });
    const put = await f.scim('PUT', `/Users/${id}`, withoutActive);
    expect(put.status, put.text).to.equal(200);
    expect(put.body).to.include({ active: false, title: 'Renamed by the IdP' });
    expect((await f.server.runtime.directory.getUser(id))!.status).to.equal('inactive');

    // An explicit active still decides.
    const on = await f.scim('PUT', `/Users/${id}`, scimUser('dana@corp.test', { active: true }));
    expect(on.body.active).to.equal(true);
    expect((await f.server.runtime.directory.getUser(id))!.status).to.equal('active');
  });

  it('the directory doctor checks the SSO bitmap against the records', async () => {
    const { directory } = f.server.runtime;
    const linked = await directory.createUser(
      {
        name: 'Lee Linked',
        email: 'lee@corp.test',
        role: 'user',
        kind: 'password',
        passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
      },
      SYSTEM,
    );
    await directory.linkSso(linked.id, 'lee-name-id', SYSTEM);
    expect((await f.scim('GET', `/Users/${linked.id}`)).status).to.equal(200);
    await expectDoctorClean(f);

    const { redis } = f.server.runtime;
    const { keys } = directory;
    const seq = Number(await redis.hget(keys.user(linked.id), 'seq'));
    await redis.setbit(keys.bits('sso'), seq, 0);
    const report = await directory.checkIndexes();
    expect(report.mismatches).to.deep.include({
      kind: 'missing-filter',
      key: keys.bits('sso'),
      member: linked.id,
      detail: 'user is active user sso',
    });
    await redis.setbit(keys.bits('sso'), seq, 1);
    await expectDoctorClean(f);
  });
});

describe('security: with SCIM_ADMIN_ROLES the role follows the roles the IdP sends', () => {
  let f: ScimFixture;
  before(async () => {
    f = await scimFixture({ SCIM_ADMIN_ROLES: 'Rune Admin' });
  });
  after(() => f.close());

  const roleOf = async (id: string) => (await f.server.runtime.directory.getUser(id))!.role;

  it('with SCIM_ADMIN_ROLES, PUT roles: [], PUT without roles and PATCH remove roles each make the user a user', async () => {
    const { roles: _none, ...withoutRoles } = scimUser('r1@corp.test', { roles: ADMIN_ROLE });
    const variants: Array<[string, (id: string, email: string) => Promise<{ status: number }>]> = [
      ['PUT roles: []', (id, email) => f.scim('PUT', `/Users/${id}`, scimUser(email, { roles: [] }))],
      [
        'PUT without roles',
        (id, email) =>
          f.scim('PUT', `/Users/${id}`, {
            ...withoutRoles,
            userName: email,
            emails: [{ value: email, primary: true }],
          }),
      ],
      ['PATCH remove roles', (id) => f.scim('PATCH', `/Users/${id}`, patch({ op: 'remove', path: 'roles' }))],
    ];
    for (const [i, [label, demote]] of variants.entries()) {
      const email = `role.${i}@corp.test`;
      const created = await f.scim('POST', '/Users', scimUser(email, { roles: ADMIN_ROLE }));
      expect(created.status, created.text).to.equal(201);
      expect(await roleOf(created.body.id), label).to.equal('admin');
      const reply = await demote(created.body.id, email);
      expect(reply.status, label).to.equal(200);
      expect(await roleOf(created.body.id), label).to.equal('user');
    }
  });

  it('the last active admin keeps the role, the rest of the PUT applies, audited', async () => {
    const { directory } = f.server.runtime;
    const created = await f.scim('POST', '/Users', scimUser('last.admin@corp.test', { roles: ADMIN_ROLE }));
    const id = created.body.id as string;
    // The IdP's admin becomes the last active admin once the first (password) admin is demoted.
    await directory.updateUser(f.admin.id, { role: 'user' }, SYSTEM);
    expect(await directory.isLastActiveAdmin(id)).to.equal(true);

    const put = await f.scim(
      'PUT',
      `/Users/${id}`,
      scimUser('last.admin@corp.test', { roles: [], title: 'Still in charge' }),
    );
    expect(put.status, put.text).to.equal(200);
    expect(put.body.title).to.equal('Still in charge');
    const user = (await directory.getUser(id))!;
    expect(user).to.include({ role: 'admin', status: 'active' });

    const { events } = await directory.listAudit({ limit: 20 });
    const kept = events.find((e) => e.action === 'user.role_kept' && e.target === id);
    expect(kept, 'a user.role_kept event').to.not.equal(undefined);
    expect(kept).to.deep.include({ source: 'scim', details: { reason: 'last_active_admin', requested: 'user' } });
    expect(events.some((e) => e.action === 'user.updated' && e.target === id)).to.equal(true);

    // Without roles, the same.
    const { roles: _r, ...withoutRoles } = scimUser('last.admin@corp.test', { roles: [] });
    expect((await f.scim('PUT', `/Users/${id}`, withoutRoles)).status).to.equal(200);
    expect(await roleOf(id)).to.equal('admin');
  });
});
