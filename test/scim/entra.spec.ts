import { expect } from 'chai';
import { scimFixture, patch, ENTERPRISE, type ScimFixture } from './scim-fixture.js';

// Request bodies as Microsoft Entra ID's provisioning service sends them (its SCIM docs and
// validator), including its known deviations from RFC 7644.
const entraCreate = (n: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  externalId: `0a21f0f2-8d2a-4f8e-bf98-7363c4aed4${n}`,
  userName: `Test_User_ab6490ee-1e48-479e-a20b-2d77186b5d${n}`,
  active: true,
  emails: [{ primary: true, type: 'work', value: `Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f${n}@testuser.com` }],
  meta: { resourceType: 'User' },
  name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
  roles: [],
});

describe('SCIM: Microsoft Entra ID', () => {
  let f: ScimFixture;
  before(async () => {
    f = await scimFixture();
  });
  after(() => f.close());

  // Each test provisions a user of its own, as Entra would (one test's PATCH never shapes another's).
  let id: string;
  let externalId: string;
  let serial = 10;
  beforeEach(async () => {
    const created = await f.scim('POST', '/Users', entraCreate(String(serial++)), {
      'content-type': 'application/json',
    });
    expect(created.status, created.text).to.equal(201);
    ({ id, externalId } = created.body);
  });

  it('accepts meta and roles: [] in a POST body, and application/json', async () => {
    const user = await f.scim('GET', `/Users/${id}`);
    expect(user.body.meta.created).to.be.a('string');
    expect(user.body).not.to.have.key('roles');
  });

  it('finds users by externalId and by a non-existent userName (totalResults 0)', async () => {
    const byExternal = await f.scim('GET', `/Users?filter=${encodeURIComponent(`externalId eq "${externalId}"`)}`);
    expect(byExternal.body.Resources.map((r: { id: string }) => r.id)).to.deep.equal([id]);
    const none = await f.scim('GET', `/Users?filter=${encodeURIComponent('userName eq "non-existent user"')}`);
    expect(none.body.totalResults).to.equal(0);
  });

  it('applies capitalised ops, filtered email paths, and a new work phone number', async () => {
    const reply = await f.scim(
      'PATCH',
      `/Users/${id}`,
      patch(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
        { op: 'Add', path: 'phoneNumbers[type eq "work"].value', value: '+1 555 0100' },
      ),
    );
    expect(reply.status, reply.text).to.equal(200);
    expect(reply.body.emails[0].value).to.equal('updatedEmail@microsoft.com');
    expect(reply.body.name.familyName).to.equal('updatedFamilyName');
    expect(reply.body.phoneNumbers).to.deep.equal([{ type: 'work', value: '+1 555 0100', primary: true }]);
    expect((await f.server.runtime.directory.getUser(id))!.email).to.equal('updatedemail@microsoft.com');
  });

  it('creates a missing typed entry on Replace of emails[type eq "home"].value', async () => {
    const reply = await f.scim(
      'PATCH',
      `/Users/${id}`,
      patch({ op: 'replace', path: 'emails[type eq "home"].value', value: 'home@example.test' }),
    );
    expect(reply.status, reply.text).to.equal(200);
    expect(reply.body.emails.map((e: { type: string }) => e.type)).to.have.members(['work', 'home']);
  });

  it('accepts a pathless replace with dotted and URN-prefixed keys, and manager as a plain string', async () => {
    const reply = await f.scim(
      'PATCH',
      `/Users/${id}`,
      patch(
        {
          op: 'replace',
          value: { displayName: 'Display Name', 'name.givenName': 'Given', [`${ENTERPRISE}:employeeNumber`]: '1234' },
        },
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: '2819c223-7f76-453a-919d-413861904646' },
      ),
    );
    expect(reply.status, reply.text).to.equal(200);
    expect(reply.body.name.givenName).to.equal('Given');
    expect(reply.body[ENTERPRISE]).to.deep.include({
      employeeNumber: '1234',
      manager: { value: '2819c223-7f76-453a-919d-413861904646' },
    });
  });

  it('accepts an empty Operations array as no change', async () => {
    const before = await f.scim('GET', `/Users/${id}`);
    const reply = await f.scim('PATCH', `/Users/${id}`, patch());
    expect(reply.status).to.equal(200);
    expect(reply.body.meta.version).to.equal(before.body.meta.version);
  });

  it('disables with active "False" and enables with "True", in PATCH and in PUT', async () => {
    const off = await f.scim('PATCH', `/Users/${id}`, patch({ op: 'Replace', path: 'active', value: 'False' }));
    expect(off.status, off.text).to.equal(200);
    expect(off.body.active).to.equal(false);
    const on = await f.scim('PATCH', `/Users/${id}`, patch({ op: 'Replace', path: 'active', value: 'True' }));
    expect(on.body.active).to.equal(true);
    const current = (await f.scim('GET', `/Users/${id}`)).body;
    const put = await f.scim('PUT', `/Users/${id}`, { ...current, active: 'False' });
    expect(put.status, put.text).to.equal(200);
    expect(put.body.active).to.equal(false);
    expect((await f.server.runtime.directory.getUser(id))!.status).to.equal('inactive');
    const created = await f.scim('POST', '/Users', { ...entraCreate('02'), active: 'False' });
    expect(created.status, created.text).to.equal(201);
    expect(created.body.active).to.equal(false);
  });

  it('ignores JSON null sub-attributes in a POST', async () => {
    const created = await f.scim('POST', '/Users', {
      ...entraCreate('03'),
      name: { givenName: 'Null', familyName: null, formatted: null },
      title: null,
    });
    expect(created.status, created.text).to.equal(201);
    expect(created.body.name).to.deep.equal({ givenName: 'Null' });
    expect(created.body).not.to.have.key('title');
  });

  it('deletes in one job: 204, then 404', async () => {
    expect((await f.scim('DELETE', `/Users/${id}`)).status).to.equal(204);
    expect((await f.scim('GET', `/Users/${id}`)).status).to.equal(404);
    expect((await f.scim('DELETE', `/Users/${id}`)).status).to.equal(404);
  });
});
