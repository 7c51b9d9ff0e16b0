import { expect } from 'chai';
import { scimFixture, patch, type ScimFixture } from './scim-fixture.js';

// Request bodies as Okta's SCIM 2.0 provisioning documentation shows them.
const oktaCreate = (userName: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  name: { givenName: 'Test', familyName: 'User' },
  emails: [{ primary: true, value: userName, type: 'work' }],
  displayName: 'Test User',
  locale: 'en-US',
  externalId: '00ujl29u0le5T6Aj10h7',
  groups: [],
  password: '1mz050nq',
  active: true,
});

describe('SCIM: Okta lifecycle', () => {
  let f: ScimFixture;
  before(async () => {
    f = await scimFixture();
  });
  after(() => f.close());

  it('checks for, creates, finds, updates, deactivates, reactivates and deletes a user', async () => {
    const userName = 'test.user@okta.local';
    // Okta first looks the user up; none yet is 200 with totalResults 0.
    const none = await f.scim(
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`,
    );
    expect(none.status).to.equal(200);
    expect(none.headers.get('content-type')).to.match(/^application\/scim\+json/);
    expect(none.body).to.deep.include({ totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });

    const created = await f.scim('POST', '/Users', oktaCreate(userName));
    expect(created.status, created.text).to.equal(201);
    const id: string = created.body.id;
    expect(created.headers.get('location')).to.equal(`${f.server.config.publicUrl}/scim/v2/Users/${id}`);
    expect(created.headers.get('etag')).to.equal('W/"1"');
    expect(created.body).to.deep.include({
      userName,
      externalId: '00ujl29u0le5T6Aj10h7',
      active: true,
      displayName: 'Test User',
      locale: 'en-US',
    });
    expect(created.body).not.to.have.any.keys('password', 'groups');
    expect(created.body.meta).to.include({
      resourceType: 'User',
      version: 'W/"1"',
      location: created.headers.get('location'),
    });

    // The directory holds an SSO user with no password.
    const user = (await f.server.runtime.directory.getUser(id))!;
    expect(user).to.include({ kind: 'sso', role: 'user', email: userName, name: 'Test User' });
    expect(await f.server.runtime.directory.getPasswordHash(id)).to.equal(null);
    const login = await fetch(`${f.server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: userName, password: '1mz050nq' }),
    });
    expect((await login.json()).code).to.equal('sso_required');

    const found = await f.scim(
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "TEST.USER@okta.local"`)}&startIndex=1&count=100`,
    );
    expect(found.body.totalResults).to.equal(1);
    expect(found.body.Resources[0].id).to.equal(id);

    // Okta updates a profile with PUT of the whole user.
    const put = await f.scim('PUT', `/Users/${id}`, {
      ...oktaCreate(userName),
      id,
      name: { givenName: 'Tess', familyName: 'User' },
      displayName: 'Tess User',
    });
    expect(put.status, put.text).to.equal(200);
    expect(put.body.name).to.deep.equal({ givenName: 'Tess', familyName: 'User' });
    expect((await f.server.runtime.directory.getUser(id))!.name).to.equal('Tess User');

    // Deactivation: {"op":"replace","value":{"active":false}}; the session is revoked.
    await f.server.runtime.directory.createSession(id, 'full');
    const off = await f.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { active: false } }));
    expect(off.status, off.text).to.equal(200);
    expect(off.body.active).to.equal(false);
    expect(await f.server.runtime.directory.getUser(id)).to.include({ status: 'inactive', activeSessions: 0 });
    const audit = (await f.server.runtime.directory.listAudit({ limit: 50 })).events.find(
      (e) => e.action === 'user.deactivated' && e.target === id,
    );
    expect(audit?.source).to.equal('scim');

    // An inactive user is still returned by GET and by filters.
    expect((await f.scim('GET', `/Users/${id}`)).body.active).to.equal(false);
    expect(
      (await f.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`)).body.totalResults,
    ).to.equal(1);

    const on = await f.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { active: true } }));
    expect(on.body.active).to.equal(true);

    // Okta's password push is ignored, never stored.
    const pw = await f.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { password: 'n3wP4ss' } }));
    expect(pw.status).to.equal(200);
    expect(pw.text).not.to.include('n3wP4ss');
    expect(await f.server.runtime.directory.getPasswordHash(id)).to.equal(null);

    const deleted = await f.scim('DELETE', `/Users/${id}`);
    expect(deleted.status).to.equal(204);
    const gone = await f.scim('GET', `/Users/${id}`);
    expect(gone.status).to.equal(404);
    expect(gone.body).to.deep.equal({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
      detail: `No User with id ${id}.`,
    });
  });

  it('answers a duplicate userName with 409 uniqueness', async () => {
    // An externalId of its own: whatever the lifecycle test left behind cannot be what refuses.
    const first = await f.scim('POST', '/Users', {
      ...oktaCreate('dup@okta.local'),
      externalId: '00ujl29u0le5T6Aj10d1',
    });
    expect(first.status, first.text).to.equal(201);
    const again = await f.scim('POST', '/Users', {
      ...oktaCreate('DUP@okta.local'),
      emails: [{ value: 'other@okta.local', primary: true }],
      externalId: 'other',
    });
    expect(again.status).to.equal(409);
    expect(again.body).to.include({ status: '409', scimType: 'uniqueness' });
  });
});
