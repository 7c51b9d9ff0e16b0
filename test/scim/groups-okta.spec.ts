import { expect } from 'chai';
import { scimFixture, patch, type ScimFixture } from './scim-fixture.js';

// Okta Group Push, with the request bodies Okta's SCIM 2.0 documentation shows.
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

describe('SCIM Groups: Okta Group Push', () => {
  let f: ScimFixture;
  const users: string[] = [];
  before(async () => {
    f = await scimFixture();
    for (const n of [1, 2, 3]) {
      const created = await f.scim('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `push.user${n}@okta.local`,
        name: { givenName: 'Push', familyName: `User${n}` },
        emails: [{ primary: true, value: `push.user${n}@okta.local`, type: 'work' }],
        displayName: `Push User${n}`,
        active: true,
      });
      expect(created.status, created.text).to.equal(201);
      users.push(created.body.id);
    }
  });
  after(() => f.close());

  const members = async (id: string) =>
    ((await f.scim('GET', `/Groups/${id}`)).body.members ?? []).map((m: { value: string }) => m.value).sort();

  it('looks a group up, creates it, renames it, pushes members, replaces them and deletes it', async () => {
    const filter = `/Groups?filter=${encodeURIComponent('displayName eq "Engineering"')}&startIndex=1&count=100`;
    const none = await f.scim('GET', filter);
    expect(none.status, none.text).to.equal(200);
    expect(none.body).to.deep.include({ totalResults: 0, Resources: [] });

    const created = await f.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Engineering', members: [] });
    expect(created.status, created.text).to.equal(201);
    const id: string = created.body.id;
    expect(created.headers.get('location')).to.equal(`${f.server.config.publicUrl}/scim/v2/Groups/${id}`);
    expect(created.headers.get('etag')).to.equal('W/"1"');
    expect(created.body).to.deep.include({ schemas: [GROUP], displayName: 'Engineering', members: [] });
    expect(created.body.meta).to.include({ resourceType: 'Group', version: 'W/"1"' });

    const found = await f.scim('GET', filter);
    expect(found.body.totalResults).to.equal(1);
    expect(found.body.Resources[0].id).to.equal(id);

    // A second group of the same name (any case) is a clear 409.
    const twin = await f.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'engineering', members: [] });
    expect(twin.status).to.equal(409);
    expect(twin.body).to.include({ scimType: 'uniqueness' });

    // Okta renames with a path-less replace whose value holds the id and the new displayName.
    const renamed = await f.scim('PATCH', `/Groups/${id}`, patch({ op: 'replace', value: { id, displayName: 'Eng' } }));
    expect(renamed.status, renamed.text).to.equal(204);
    expect(renamed.headers.get('etag')).to.equal('W/"2"');
    expect((await f.scim('GET', `/Groups/${id}`)).body.displayName).to.equal('Eng');

    const added = await f.scim(
      'PATCH',
      `/Groups/${id}`,
      patch({
        op: 'add',
        path: 'members',
        value: [
          { value: users[0], display: 'push.user1@okta.local' },
          { value: users[1], display: 'push.user2@okta.local' },
        ],
      }),
    );
    expect(added.status, added.text).to.equal(204);
    expect(await members(id)).to.deep.equal([users[0], users[1]].sort());
    const read = await f.scim('GET', `/Groups/${id}`);
    const first = read.body.members.find((m: { value: string }) => m.value === users[0]);
    expect(first).to.deep.equal({
      value: users[0],
      display: 'Push User1',
      $ref: `${f.server.config.publicUrl}/scim/v2/Users/${users[0]}`,
      type: 'User',
    });

    const removed = await f.scim(
      'PATCH',
      `/Groups/${id}`,
      patch({ op: 'remove', path: `members[value eq "${users[0]}"]` }),
    );
    expect(removed.status, removed.text).to.equal(204);
    expect(await members(id)).to.deep.equal([users[1]]);

    // PUT carries the whole member list: users[1] leaves, users[0] and users[2] are in.
    const put = await f.scim('PUT', `/Groups/${id}`, {
      schemas: [GROUP],
      id,
      displayName: 'Eng',
      members: [
        { value: users[0], display: 'push.user1@okta.local' },
        { value: users[2], display: 'push.user3@okta.local' },
      ],
    });
    expect(put.status, put.text).to.equal(200);
    expect(put.body.members.map((m: { value: string }) => m.value).sort()).to.deep.equal([users[0], users[2]].sort());

    // Each user's read-only groups attribute follows.
    const user = await f.scim('GET', `/Users/${users[2]}`);
    expect(user.body.groups).to.deep.equal([
      { value: id, display: 'Eng', $ref: `${f.server.config.publicUrl}/scim/v2/Groups/${id}` },
    ]);

    const deleted = await f.scim('DELETE', `/Groups/${id}`);
    expect(deleted.status).to.equal(204);
    expect((await f.scim('GET', `/Groups/${id}`)).status).to.equal(404);
    expect((await f.scim('GET', `/Users/${users[2]}`)).body).not.to.have.key('groups');
  });

  it('refuses a member that is no user, and changes nothing', async () => {
    const created = await f.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Sales', members: [] });
    const id: string = created.body.id;
    const nobody = '00000000-0000-4000-8000-000000000000';
    const refused = await f.scim(
      'PATCH',
      `/Groups/${id}`,
      patch({ op: 'add', path: 'members', value: [{ value: users[0] }, { value: nobody }] }),
    );
    expect(refused.status).to.equal(400);
    expect(refused.body).to.include({ scimType: 'invalidValue' });
    expect(refused.body.detail).to.include(nobody);
    expect(await members(id)).to.deep.equal([]);

    // The first admin is a password user: no IdP can put them in a group.
    const admin = await f.scim('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Admins?',
      members: [{ value: f.admin.id }],
    });
    expect(admin.status).to.equal(400);
    expect(admin.body.detail).to.include(f.admin.id);
    expect(
      (await f.scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Admins?"')}`)).body.totalResults,
    ).to.equal(0);
  });

  it('honours If-Match with the group version', async () => {
    const created = await f.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Versioned' });
    const id: string = created.body.id;
    const stale = await f.scim('PATCH', `/Groups/${id}`, patch({ op: 'replace', path: 'displayName', value: 'V2' }), {
      'if-match': 'W/"7"',
    });
    expect(stale.status).to.equal(412);
    const fresh = await f.scim('PATCH', `/Groups/${id}`, patch({ op: 'replace', path: 'displayName', value: 'V2' }), {
      'if-match': 'W/"1"',
    });
    expect(fresh.status, fresh.text).to.equal(204);
    expect((await f.scim('DELETE', `/Groups/${id}`, undefined, { 'if-match': 'W/"1"' })).status).to.equal(412);
    expect((await f.scim('DELETE', `/Groups/${id}`, undefined, { 'if-match': 'W/"2"' })).status).to.equal(204);
  });

  it('deleting a user removes them from every group', async () => {
    const extra = await f.scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'leaver@okta.local',
      emails: [{ primary: true, value: 'leaver@okta.local', type: 'work' }],
      active: true,
    });
    const uid: string = extra.body.id;
    const a = (await f.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'A', members: [{ value: uid }] })).body;
    const b = (
      await f.scim('POST', '/Groups', {
        schemas: [GROUP],
        displayName: 'B',
        members: [{ value: uid }, { value: users[1] }],
      })
    ).body;
    expect((await f.scim('DELETE', `/Users/${uid}`)).status).to.equal(204);
    expect(await members(a.id)).to.deep.equal([]);
    expect(await members(b.id)).to.deep.equal([users[1]]);
    expect((await f.scim('GET', `/Groups/${b.id}`)).body.meta.version).to.equal('W/"2"');
  });
});

describe('SCIM Groups: the doctor', () => {
  let f: ScimFixture;
  before(async () => {
    f = await scimFixture();
  });
  after(() => f.close());

  it('finds the group indexes agreeing, and reports a membership missing its reverse entry', async () => {
    const user = await f.scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'doctor@okta.local',
      emails: [{ primary: true, value: 'doctor@okta.local', type: 'work' }],
    });
    const group = await f.scim('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Checked',
      externalId: 'ext-checked',
      members: [{ value: user.body.id }],
    });
    expect(group.status, group.text).to.equal(201);
    const { directory } = f.server.runtime;
    expect((await directory.checkIndexes()).mismatches).to.deep.equal([]);
    const redis = f.server.runtime.redis;
    await redis.srem(directory.keys.userGroups(user.body.id), group.body.id);
    const { mismatches } = await directory.checkIndexes();
    expect(mismatches.map((m) => m.kind)).to.deep.equal(['missing-user-groups']);
  });
});
