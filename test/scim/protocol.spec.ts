import { expect } from 'chai';
import { scimFixture, patch, type ScimFixture } from './scim-fixture.js';
import { client } from '../support/http.js';

const q = (filter: string) => `/Users?filter=${encodeURIComponent(filter)}`;
const user = (i: number, extra: object = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: `user${String(i).padStart(2, '0')}@corp.test`,
  externalId: `ext-${i}`,
  name: { givenName: `Given${i}`, familyName: i % 2 ? 'Odd' : 'Even' },
  emails: [{ value: `user${String(i).padStart(2, '0')}@corp.test`, type: 'work', primary: true }],
  title: i % 3 === 0 ? 'Engineer' : undefined,
  active: true,
  ...extra,
});

describe('SCIM: protocol', () => {
  let f: ScimFixture;
  const ids: string[] = [];
  before(async () => {
    f = await scimFixture();
    for (let i = 0; i < 12; i++) ids.push((await f.scim('POST', '/Users', user(i))).body.id);
    await f.scim('PATCH', `/Users/${ids[4]}`, patch({ op: 'replace', value: { active: false } }));
  });
  after(() => f.close());

  describe('filters', () => {
    const idsOf = async (filter: string) =>
      (await f.scim('GET', q(filter))).body.Resources.map((r: { id: string }) => r.id);

    it('answers eq on indexed attributes, case-insensitively for userName and emails, combined with and', async () => {
      expect(await idsOf('userName eq "USER03@corp.test"')).to.deep.equal([ids[3]]);
      expect(await idsOf('externalId eq "ext-5"')).to.deep.equal([ids[5]]);
      expect(await idsOf('externalId eq "EXT-5"')).to.deep.equal([]);
      expect(await idsOf(`id eq "${ids[6]}"`)).to.deep.equal([ids[6]]);
      expect(await idsOf('emails.value eq "User07@corp.test"')).to.deep.equal([ids[7]]);
      expect(await idsOf('emails[type eq "work"].value eq "user08@corp.test"')).to.deep.equal([ids[8]]);
      expect(await idsOf('emails[type eq "home"].value eq "user08@corp.test"')).to.deep.equal([]);
      expect(await idsOf('userName eq "user04@corp.test" and active eq false')).to.deep.equal([ids[4]]);
      expect(await idsOf('userName eq "user04@corp.test" and active eq true')).to.deep.equal([]);
    });

    it('answers active eq from the status index, with exact totals of the users SCIM manages', async () => {
      const inactive = await f.scim('GET', q('active eq false'));
      expect(inactive.body.totalResults).to.equal(1);
      // Eleven of the twelve provisioned users; the first admin (a password user) is not SCIM's.
      const active = await f.scim('GET', `${q('active eq true')}&count=5&startIndex=3`);
      expect(active.body.totalResults).to.equal(11);
      expect(active.body.itemsPerPage).to.equal(5);
    });

    it('answers every other valid filter correctly', async () => {
      expect(await idsOf('userName sw "USER1"')).to.deep.equal([ids[10], ids[11]]);
      expect(await idsOf('name.familyName co "dd" and title pr')).to.deep.equal([ids[3], ids[9]]);
      expect(await idsOf('title pr or externalId eq "ext-1"')).to.deep.equal([ids[0], ids[1], ids[3], ids[6], ids[9]]);
      // The six Even users; the first admin (a password user, no familyName) is not SCIM's.
      expect((await idsOf('not (name.familyName eq "Odd")')).length).to.equal(6);
      const created = (await f.scim('GET', `/Users/${ids[6]}`)).body.meta.lastModified;
      expect(await idsOf(`meta.lastModified gt "${created}"`))
        .to.include(ids[7])
        .and.not.include(ids[5]);
      expect(await idsOf('meta.lastModified gt "2999-01-01T00:00:00Z"')).to.deep.equal([]);
    });

    it('refuses an invalid filter with 400 invalidFilter', async () => {
      for (const filter of [
        'userName eq',
        'userName eq "x" and',
        '(userName pr',
        'userName zz "x"',
        'eq "x"',
        'userName',
        '',
        'emails[type eq "work"',
      ]) {
        const bad = await f.scim('GET', q(filter));
        expect(bad.status, filter).to.equal(400);
        expect(bad.body, filter).to.include({ status: '400', scimType: 'invalidFilter' });
      }
      const search = await f.scim('POST', '/Users/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'title co',
      });
      expect(search.body.scimType).to.equal('invalidFilter');
    });
  });

  describe('paging, sorting and attributes', () => {
    it('pages 1-based in a stable order with exact totals, and caps count at the advertised 200', async () => {
      const all = await f.scim('GET', '/Users?startIndex=1&count=500');
      expect(all.body.totalResults).to.be.at.least(12);
      expect(all.body.itemsPerPage).to.equal(all.body.totalResults);
      const pages = [];
      for (let start = 1; start <= all.body.totalResults; start += 4) {
        pages.push(
          ...(await f.scim('GET', `/Users?startIndex=${start}&count=4`)).body.Resources.map(
            (r: { id: string }) => r.id,
          ),
        );
      }
      expect(pages).to.deep.equal(all.body.Resources.map((r: { id: string }) => r.id));
      expect((await f.scim('GET', '/Users?count=0')).body).to.deep.include({ itemsPerPage: 0, Resources: [] });
      const spc = await f.scim('GET', '/ServiceProviderConfig');
      expect(spc.body.filter).to.deep.equal({ supported: true, maxResults: 200 });
    });

    it('sorts by an attribute in either order', async () => {
      const asc = await f.scim('GET', `${q('userName sw "user0"')}&sortBy=userName&sortOrder=descending&count=3`);
      expect(asc.body.Resources.map((r: { userName: string }) => r.userName)).to.deep.equal([
        'user09@corp.test',
        'user08@corp.test',
        'user07@corp.test',
      ]);
      const byFamily = await f.scim('GET', `${q('userName sw "user"')}&sortBy=name.familyName`);
      expect(byFamily.body.Resources[0].name.familyName).to.equal('Even');
    });

    it('returns only the attributes asked for, or all but the excluded ones', async () => {
      const only = await f.scim('GET', `/Users/${ids[1]}?attributes=userName,name.familyName`);
      expect(Object.keys(only.body)).to.include.members(['id', 'userName', 'name']).and.not.include('emails');
      expect(only.body.name).to.deep.equal({ familyName: 'Odd' });
      const excluded = await f.scim('GET', `${q('userName eq "user01@corp.test"')}&excludedAttributes=emails,name`);
      expect(excluded.body.Resources[0]).to.include.keys('id', 'userName').and.not.have.any.keys('emails', 'name');
    });

    it('searches with POST /Users/.search', async () => {
      const found = await f.scim('POST', '/Users/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'userName eq "user02@corp.test"',
        attributes: ['userName'],
        startIndex: 1,
        count: 10,
      });
      expect(found.status).to.equal(200);
      expect(found.body.Resources).to.deep.equal([
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: ids[2], userName: 'user02@corp.test' },
      ]);
    });
  });

  describe('versions and errors', () => {
    it('sends an ETag and honours If-Match with 412 on a stale version', async () => {
      const current = await f.scim('GET', `/Users/${ids[2]}`);
      const etag = current.headers.get('etag')!;
      const ok = await f.scim('PATCH', `/Users/${ids[2]}`, patch({ op: 'replace', path: 'title', value: 'Lead' }), {
        'if-match': etag,
      });
      expect(ok.status).to.equal(200);
      expect(ok.headers.get('etag')).not.to.equal(etag);
      const stale = await f.scim('PATCH', `/Users/${ids[2]}`, patch({ op: 'replace', path: 'title', value: 'Boss' }), {
        'if-match': etag,
      });
      expect(stale.status).to.equal(412);
      expect(stale.body.status).to.equal('412');
      expect((await f.scim('PUT', `/Users/${ids[2]}`, user(2), { 'if-match': etag })).status).to.equal(412);
      expect((await f.scim('DELETE', `/Users/${ids[2]}`, undefined, { 'if-match': etag })).status).to.equal(412);
    });

    it('answers bad requests with the RFC’s scimType', async () => {
      const noUserName = await f.scim('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        emails: [{ value: 'x@corp.test' }],
      });
      expect(noUserName.status).to.equal(400);
      expect(noUserName.body.scimType).to.equal('invalidValue');
      // A user with no address at all is an SSO user without an email (issue 13), not a refusal.
      const noEmail = await f.scim('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'no-email',
      });
      expect(noEmail.status, noEmail.text).to.equal(201);
      expect(noEmail.body).not.to.have.property('emails');
      const syntax = await f.scim('POST', '/Users', undefined, { 'content-type': 'application/scim+json' });
      expect(syntax.status).to.equal(400);
      const broken = await client(f.server.url).post('/scim/v2/Users', undefined, {
        token: f.scimToken,
        raw: '{"userName":',
        headers: { 'content-type': 'application/scim+json' },
      });
      expect(broken.body).to.include({ status: '400', scimType: 'invalidSyntax' });
      const badOp = await f.scim('PATCH', `/Users/${ids[3]}`, patch({ op: 'jump', path: 'title', value: 'x' }));
      expect(badOp.body).to.include({ status: '400', scimType: 'invalidSyntax' });
      const badPath = await f.scim(
        'PATCH',
        `/Users/${ids[3]}`,
        patch({ op: 'replace', path: 'nonsense.attribute', value: 'x' }),
      );
      expect(badPath.body).to.include({ status: '400', scimType: 'invalidPath' });
      const noTarget = await f.scim('PATCH', `/Users/${ids[3]}`, patch({ op: 'remove' }));
      expect(noTarget.body).to.include({ status: '400', scimType: 'noTarget' });
      const wrongSchema = await f.scim('PATCH', `/Users/${ids[3]}`, { schemas: ['nope'], Operations: [] });
      expect(wrongSchema.body.scimType).to.equal('invalidSyntax');
      const huge = await f.scim('POST', '/Users', user(99, { title: 'x'.repeat(300_000) }));
      expect(huge.status).to.equal(413);
      expect(huge.body.status).to.equal('413');
      expect((await f.scim('GET', '/Nope')).status).to.equal(404);
      // Nothing half-written: the failed requests created no user.
      expect((await f.scim('GET', q('emails.value eq "x@corp.test"'))).body.totalResults).to.equal(0);
    });

    it('answers 401 to a missing, bad or revoked token and 403 to a sign-in session token, as SCIM errors', async () => {
      const api = client(f.server.url);
      const missing = await api.get('/scim/v2/Users');
      expect(missing.status).to.equal(401);
      expect(missing.headers.get('content-type')).to.match(/^application\/scim\+json/);
      expect(missing.body.schemas).to.deep.equal(['urn:ietf:params:scim:api:messages:2.0:Error']);
      expect((await api.get('/scim/v2/Users', { token: 'not-a-token' })).status).to.equal(401);
      expect((await api.get('/scim/v2/Users', { token: f.admin.token })).status).to.equal(403);
      const second = await api.post('/api/v1/scim-tokens', { name: 'Entra' }, { token: f.admin.token });
      expect((await api.get('/scim/v2/Users', { token: second.body.token })).status).to.equal(200);
      const listed = await api.get('/api/v1/scim-tokens', { token: f.admin.token });
      expect(listed.body.tokens.map((t: { name: string }) => t.name)).to.deep.equal(['Okta', 'Entra']);
      expect(listed.body.tokens[1].lastUsedAt).to.be.a('string');
      expect(listed.text).not.to.include(second.body.token);
      expect((await api.delete(`/api/v1/scim-tokens/${second.body.id}`, { token: f.admin.token })).status).to.equal(
        204,
      );
      expect((await api.get('/scim/v2/Users', { token: second.body.token })).status).to.equal(401);
    });
  });

  describe('the directory behind it', () => {
    it('does not show users created by admins (DESIGN.md rule 8)', async () => {
      expect((await f.scim('GET', `/Users/${f.admin.id}`)).status).to.equal(404);
      expect((await f.scim('GET', q('userName eq "root@corp.test"'))).body.totalResults).to.equal(0);
      expect((await f.scim('DELETE', `/Users/${f.admin.id}`)).status).to.equal(404);
      expect((await f.server.runtime.directory.getUser(f.admin.id))!.status).to.equal('active');
    });

    it('serves discovery: ServiceProviderConfig, Schemas and ResourceTypes', async () => {
      const types = await f.scim('GET', '/ResourceTypes');
      expect(types.body.Resources[0]).to.deep.include({ id: 'User', endpoint: '/Users' });
      const schemas = await f.scim('GET', '/Schemas');
      expect(schemas.body.Resources.map((s: { id: string }) => s.id)).to.include.members([
        'urn:ietf:params:scim:schemas:core:2.0:User',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      ]);
      const one = await f.scim('GET', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User');
      expect(one.body.meta.location).to.equal(
        `${f.server.config.publicUrl}/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User`,
      );
      const spc = await f.scim('GET', '/ServiceProviderConfig');
      expect(spc.body).to.deep.include({
        patch: { supported: true },
        etag: { supported: true },
        sort: { supported: true },
      });
    });
  });

  describe('races', () => {
    it('20 concurrent POSTs of one userName give exactly one 201 and nineteen 409', async () => {
      const replies = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          f.scim(
            'POST',
            '/Users',
            user(50, {
              userName: i % 2 ? 'RACE@corp.test' : 'race@corp.test',
              emails: [{ value: `race${i}@corp.test`, primary: true }],
              externalId: `race-${i}`,
            }),
          ),
        ),
      );
      const statuses = replies.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).to.have.length(1);
      expect(statuses.filter((s) => s === 409)).to.have.length(19);
      expect(replies.filter((r) => r.status === 409).every((r) => r.body.scimType === 'uniqueness')).to.equal(true);
    });

    it('concurrent PATCHes of different attributes all survive', async () => {
      const target = ids[9]!;
      const attributes = [
        'title',
        'nickName',
        'profileUrl',
        'userType',
        'preferredLanguage',
        'locale',
        'timezone',
        'displayName',
      ];
      const replies = await Promise.all(
        attributes.map((attribute) =>
          f.scim(
            'PATCH',
            `/Users/${target}`,
            patch({
              op: 'replace',
              path: attribute,
              value: attribute === 'profileUrl' ? 'https://x.test/p' : `v-${attribute}`,
            }),
          ),
        ),
      );
      expect(replies.map((r) => r.status)).to.deep.equal(attributes.map(() => 200));
      const final = (await f.scim('GET', `/Users/${target}`)).body;
      for (const attribute of attributes)
        expect(final[attribute], attribute).to.equal(
          attribute === 'profileUrl' ? 'https://x.test/p' : `v-${attribute}`,
        );
    });
  });
});

describe('SCIM: the last active admin among the users SCIM manages', () => {
  let f: ScimFixture;
  before(async () => {
    f = await scimFixture();
  });
  after(() => f.close());

  it('refuses to deactivate or delete the last active admin', async () => {
    const { directory } = f.server.runtime;
    const admin = await directory.createUser(
      { name: 'Idp Admin', email: 'idp.admin@corp.test', role: 'admin', kind: 'sso' },
      { source: 'system' },
    );
    await directory.updateUser(f.admin.id, { role: 'user' }, { source: 'system' });
    const adminResource = await f.scim('GET', `/Users/${admin.id}`);
    expect(adminResource.body).to.deep.include({ userName: 'idp.admin@corp.test', active: true });
    const off = await f.scim('PATCH', `/Users/${admin.id}`, patch({ op: 'replace', value: { active: false } }));
    expect(off.status).to.equal(409);
    expect(off.body.detail).to.match(/last active admin/);
    expect((await f.scim('DELETE', `/Users/${admin.id}`)).status).to.equal(409);
    expect((await directory.getUser(admin.id))!.status).to.equal('active');
  });
});

describe('SCIM: role mapping (SCIM_ADMIN_ROLES)', () => {
  let f: ScimFixture;
  before(async () => {
    f = await scimFixture({ SCIM_ADMIN_ROLES: 'Rune Admin' });
  });
  after(() => f.close());

  it('makes a user an admin when a roles value matches, and a user again when it no longer does', async () => {
    const created = await f.scim('POST', '/Users', user(1, { roles: [{ value: 'rune admin', primary: true }] }));
    expect((await f.server.runtime.directory.getUser(created.body.id))!.role).to.equal('admin');
    await f.scim(
      'PATCH',
      `/Users/${created.body.id}`,
      patch({ op: 'replace', path: 'roles', value: [{ value: 'Viewer' }] }),
    );
    expect((await f.server.runtime.directory.getUser(created.body.id))!.role).to.equal('user');
    const plain = await f.scim('POST', '/Users', user(2));
    expect((await f.server.runtime.directory.getUser(plain.body.id))!.role).to.equal('user');
  });
});
