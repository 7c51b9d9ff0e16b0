import { expect } from 'chai';
import { scimFixture, type ScimFixture } from './scim-fixture.js';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

// A page of /Users is rendered from what each user has stored (scim-read-users.lua reads only the
// fields that render needs): it must show every user exactly as GET /Users/:id does, whatever made
// them: an Okta-style user (userName = email), an Entra-style one (a UPN userName), and an SSO user
// made by a first SAML login (no SCIM JSON at all). With `attributes`, each is projected as one is.

describe('SCIM: a page of users is each user as GET /Users/:id shows them', () => {
  let f: ScimFixture;
  let ids: string[];
  before(async () => {
    f = await scimFixture();
    const okta = await f.scim('POST', '/Users', {
      schemas: [CORE],
      userName: 'grace@corp.test',
      name: { givenName: 'Grace', familyName: 'Hopper' },
      emails: [{ primary: true, value: 'grace@corp.test', type: 'work' }],
      active: true,
    });
    const entra = await f.scim('POST', '/Users', {
      schemas: [CORE],
      externalId: '7a6f1f0e-8d3b-4e0c-9d59-3b1f2a6c5e11',
      userName: 'katherine@corptest.onmicrosoft.com',
      active: false,
      displayName: 'Katherine Johnson',
      emails: [{ primary: true, type: 'work', value: 'katherine@corp.test' }],
      name: { formatted: 'Katherine Johnson', familyName: 'Johnson', givenName: 'Katherine' },
    });
    expect([okta.status, entra.status], okta.text + entra.text).to.deep.equal([201, 201]);
    // As a first SAML login makes a user (src/saml/jit-user.ts).
    const saml = await f.server.runtime.directory.createUser(
      { name: 'Dorothy Vaughan', email: 'dorothy@corp.test', role: 'user', kind: 'sso', nameId: '00u9dorothy' },
      { source: 'saml' },
    );
    ids = [okta.body.id, entra.body.id, saml.id];
  });
  after(() => f.close());

  const one = async (id: string, query = '') => {
    const reply = await f.scim('GET', `/Users/${id}${query}`);
    expect(reply.status, reply.text).to.equal(200);
    return reply.body;
  };

  it('lists each user as reading them one by one does', async () => {
    const page = await f.scim('GET', '/Users?startIndex=1&count=10');
    expect(page.status, page.text).to.equal(200);
    expect(page.body).to.deep.include({ totalResults: 3, startIndex: 1, itemsPerPage: 3 });
    expect(page.body.Resources).to.deep.equal([await one(ids[0]!), await one(ids[1]!), await one(ids[2]!)]);
    expect(page.body.Resources.map((r: { userName: string }) => r.userName)).to.deep.equal([
      'grace@corp.test',
      'katherine@corptest.onmicrosoft.com',
      'dorothy@corp.test',
    ]);
  });

  it('lists the inactive ones as a filter on active, the same way', async () => {
    const page = await f.scim('GET', `/Users?filter=${encodeURIComponent('active eq false')}`);
    expect(page.status, page.text).to.equal(200);
    expect(page.body.Resources).to.deep.equal([await one(ids[1]!)]);
  });

  it('projects a page with attributes as it projects one user', async () => {
    const query = `attributes=${encodeURIComponent('userName,name.familyName,active')}`;
    const page = await f.scim('GET', `/Users?${query}`);
    expect(page.status, page.text).to.equal(200);
    expect(page.body.Resources).to.deep.equal(await Promise.all(ids.map((id) => one(id, `?${query}`))));
    expect(page.body.Resources[1]).to.deep.equal({
      schemas: [CORE],
      id: ids[1],
      userName: 'katherine@corptest.onmicrosoft.com',
      name: { familyName: 'Johnson' },
      active: false,
    });
  });
});
