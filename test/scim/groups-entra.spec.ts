import { expect } from 'chai';
import { scimFixture, patch, ENTERPRISE, type ScimFixture } from './scim-fixture.js';

// Microsoft Entra ID's group provisioning, with the bodies its SCIM docs and validator send.
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const AD_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Group';
const q = (filter: string) => encodeURIComponent(filter);

describe('SCIM Groups: Microsoft Entra ID', () => {
  let f: ScimFixture;
  const users: string[] = [];
  before(async () => {
    f = await scimFixture();
    for (const n of [1, 2, 3]) {
      const created = await f.scim('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
        externalId: `0a21f0f2-8d2a-4f8e-bf98-7363c4aed4${n}0`,
        userName: `Test_User_${n}@testuser.com`,
        active: true,
        emails: [{ primary: true, type: 'work', value: `Test_User_${n}@testuser.com` }],
        meta: { resourceType: 'User' },
        name: { formatted: `given${n} family`, familyName: 'family', givenName: `given${n}` },
        roles: [],
      });
      expect(created.status, created.text).to.equal(201);
      users.push(created.body.id);
    }
  });
  after(() => f.close());

  let serial = 0;
  const createGroup = async () => {
    serial++;
    const externalId = `8aa1a0c0-c4c3-4bc0-b4a5-2ef6769001${String(serial).padStart(2, '0')}`;
    const created = await f.scim('POST', '/Groups', {
      schemas: [GROUP, AD_GROUP],
      externalId,
      displayName: `Entra Group ${serial}`,
      meta: { resourceType: 'Group' },
    });
    expect(created.status, created.text).to.equal(201);
    return { id: created.body.id as string, externalId, displayName: `Entra Group ${serial}` };
  };
  const isMember = async (groupId: string, userId: string) => {
    const check = await f.scim(
      'GET',
      `/Groups?filter=${q(`id eq "${groupId}" and members[value eq "${userId}"]`)}&excludedAttributes=members`,
    );
    expect(check.status, check.text).to.equal(200);
    expect(check.body.totalResults).to.be.at.most(1);
    if (check.body.totalResults === 1) {
      expect(check.body.Resources[0].id).to.equal(groupId);
      expect(check.body.Resources[0]).not.to.have.key('members');
    }
    return check.body.totalResults === 1;
  };

  it('finds groups by externalId and by displayName without members', async () => {
    const g = await createGroup();
    await f.scim('PATCH', `/Groups/${g.id}`, patch({ op: 'Add', path: 'members', value: [{ value: users[0] }] }));
    for (const filter of [`externalId eq "${g.externalId}"`, `displayName eq "${g.displayName}"`]) {
      const found = await f.scim('GET', `/Groups?excludedAttributes=members&filter=${q(filter)}`);
      expect(found.status, found.text).to.equal(200);
      expect(found.body.totalResults, filter).to.equal(1);
      expect(found.body.Resources[0]).to.include({ id: g.id, displayName: g.displayName, externalId: g.externalId });
      expect(found.body.Resources[0]).not.to.have.key('members');
    }
    const none = await f.scim('GET', `/Groups?excludedAttributes=members&filter=${q('externalId eq "nothing"')}`);
    expect(none.body).to.deep.include({ totalResults: 0, Resources: [] });
    const one = await f.scim('GET', `/Groups/${g.id}?excludedAttributes=members`);
    expect(one.status).to.equal(200);
    expect(one.body).not.to.have.key('members');
  });

  it('adds, removes (path members with a value array) and checks membership, capitalised ops', async () => {
    const g = await createGroup();
    const added = await f.scim(
      'PATCH',
      `/Groups/${g.id}`,
      patch({ op: 'Add', path: 'members', value: [{ value: users[0] }, { value: users[1] }, { value: users[2] }] }),
    );
    expect(added.status, added.text).to.equal(204);
    expect(await isMember(g.id, users[0]!)).to.equal(true);
    const removed = await f.scim(
      'PATCH',
      `/Groups/${g.id}`,
      patch({ op: 'Remove', path: 'members', value: [{ value: users[0] }, { value: users[2] }] }),
    );
    expect(removed.status, removed.text).to.equal(204);
    expect(await isMember(g.id, users[0]!)).to.equal(false);
    expect(await isMember(g.id, users[1]!)).to.equal(true);
    expect(await isMember(g.id, users[2]!)).to.equal(false);
    // The membership check of a group the user is in elsewhere is still false for this one.
    const other = await createGroup();
    expect(await isMember(other.id, users[1]!)).to.equal(false);
    // members[value eq] alone lists every group of the user.
    const ofUser = await f.scim(
      'GET',
      `/Groups?filter=${q(`members[value eq "${users[1]}"]`)}&excludedAttributes=members`,
    );
    expect(ofUser.body.Resources.map((r: { id: string }) => r.id)).to.deep.equal([g.id]);
  });

  it('renames with Replace on displayName; the users\u2019 groups show the new name', async () => {
    const g = await createGroup();
    await f.scim('PATCH', `/Groups/${g.id}`, patch({ op: 'Add', path: 'members', value: [{ value: users[2] }] }));
    const renamed = await f.scim(
      'PATCH',
      `/Groups/${g.id}`,
      patch({ op: 'Replace', path: 'displayName', value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' }),
    );
    expect(renamed.status, renamed.text).to.equal(204);
    const group = await f.scim('GET', `/Groups/${g.id}`);
    expect(group.body.displayName).to.equal('1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName');
    const user = await f.scim('GET', `/Users/${users[2]}`);
    expect(user.body.groups).to.deep.include({
      value: g.id,
      display: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName',
      $ref: `${f.server.config.publicUrl}/scim/v2/Groups/${g.id}`,
    });
    // The old name finds nothing; the new one finds the group.
    const old = await f.scim(
      'GET',
      `/Groups?excludedAttributes=members&filter=${q(`displayName eq "${g.displayName}"`)}`,
    );
    expect(old.body.totalResults).to.equal(0);
  });

  it('pages, sorts and filters with sw and co', async () => {
    const page = await f.scim('GET', '/Groups?startIndex=1&count=2&excludedAttributes=members');
    expect(page.status).to.equal(200);
    expect(page.body.itemsPerPage).to.be.at.most(2);
    const all = await f.scim('GET', '/Groups?excludedAttributes=members&count=200');
    expect(page.body.totalResults).to.equal(all.body.totalResults);
    const sorted = await f.scim('GET', '/Groups?excludedAttributes=members&sortBy=displayName&sortOrder=descending');
    const names = sorted.body.Resources.map((r: { displayName: string }) => r.displayName.toLowerCase());
    expect(names).to.deep.equal([...names].sort().reverse());
    const sw = await f.scim('GET', `/Groups?excludedAttributes=members&filter=${q('displayName sw "entra group"')}`);
    expect(sw.body.totalResults).to.be.greaterThan(0);
    expect(sw.body.Resources.every((r: { displayName: string }) => r.displayName.startsWith('Entra Group'))).to.equal(
      true,
    );
    const co = await f.scim('GET', `/Groups?excludedAttributes=members&filter=${q('displayName co "updatedDisplay"')}`);
    expect(co.body.totalResults).to.equal(1);
    const bad = await f.scim('GET', `/Groups?filter=${q('members[display co "x"]')}`);
    expect(bad.status).to.equal(400);
    expect(bad.body).to.include({ scimType: 'invalidFilter' });
  });

  it('deletes a group: 204, then 404', async () => {
    const g = await createGroup();
    expect((await f.scim('DELETE', `/Groups/${g.id}`)).status).to.equal(204);
    expect((await f.scim('GET', `/Groups/${g.id}`)).status).to.equal(404);
    expect((await f.scim('DELETE', `/Groups/${g.id}`)).status).to.equal(404);
  });

  it('lists Group in /ResourceTypes and /Schemas', async () => {
    const types = await f.scim('GET', '/ResourceTypes');
    expect(types.body.Resources.map((r: { id: string }) => r.id)).to.include('Group');
    const schemas = await f.scim('GET', '/Schemas');
    expect(schemas.body.Resources.map((r: { id: string }) => r.id)).to.include(GROUP);
  });
});
