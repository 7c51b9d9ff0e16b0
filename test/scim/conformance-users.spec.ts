import { expect } from 'chai';
import { scimFixture, patch, ENTERPRISE, type ScimFixture } from './scim-fixture.js';

// What Microsoft's reference SCIM Postman collection and limosa-io's scimverify send, and RFC
// 7643/7644 allow, that the service refused before issue 13: a shared externalId, a primary
// `emails` value that is no address, users without any address, attributes qualified by or
// wrapped in their schema URN, and `emails.value eq` on a secondary address.

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const q = (filter: string) => `/Users?filter=${encodeURIComponent(filter)}`;
const ids = (reply: { body: { Resources: { id: string }[] } }) => reply.body.Resources.map((r) => r.id).sort();

describe('SCIM conformance: /Users as the third-party suites drive it', () => {
  let f: ScimFixture;
  before(async () => {
    f = await scimFixture();
  });
  after(() => f.close());

  const adminUser = async (id: string) => (await f.server.runtime.directory.getUser(id))!;

  describe('externalId is the client’s identifier, not unique (RFC 7643 §3.1)', () => {
    // Microsoft's collection: several users created with one externalId, then found by it.
    const msUser = (n: number, externalId: string) => ({
      schemas: [CORE, ENTERPRISE],
      userName: `UserName${n}@contoso.example`,
      active: true,
      displayName: `DisplayName${n}`,
      emails: [{ type: 'work', primary: true, value: `work${n}@contoso.example` }],
      externalId,
      name: { formatted: 'Ryan Leenay', familyName: 'Leenay', givenName: 'Ryan' },
    });

    it('creates every user sharing an externalId, and `externalId eq` returns each of them', async () => {
      const created = [];
      for (const n of [101, 102, 103]) {
        const reply = await f.scim('POST', '/Users', msUser(n, 'ms-shared-ext'));
        expect(reply.status, reply.text).to.equal(201);
        created.push(reply.body.id as string);
      }
      await f.scim('POST', '/Users', msUser(104, 'ms-other-ext'));
      const found = await f.scim('GET', q('externalId eq "ms-shared-ext"'));
      expect(found.status).to.equal(200);
      expect(found.body.totalResults).to.equal(3);
      expect(ids(found)).to.deep.equal([...created].sort());
      // externalId is caseExact: another spelling matches nobody.
      expect((await f.scim('GET', q('externalId eq "MS-SHARED-EXT"'))).body.totalResults).to.equal(0);
    });

    it('keeps the index right through PUT, PATCH and DELETE', async () => {
      const a = (await f.scim('POST', '/Users', msUser(111, 'ms-moving'))).body.id as string;
      const b = (await f.scim('POST', '/Users', msUser(112, 'ms-moving'))).body.id as string;
      const put = await f.scim('PUT', `/Users/${a}`, msUser(111, 'ms-moved'));
      expect(put.status, put.text).to.equal(200);
      const patched = await f.scim(
        'PATCH',
        `/Users/${b}`,
        patch({ op: 'replace', path: 'externalId', value: 'ms-moved' }),
      );
      expect(patched.status, patched.text).to.equal(200);
      expect((await f.scim('GET', q('externalId eq "ms-moving"'))).body.totalResults).to.equal(0);
      expect(ids(await f.scim('GET', q('externalId eq "ms-moved"')))).to.deep.equal([a, b].sort());
      expect((await f.scim('DELETE', `/Users/${a}`)).status).to.equal(204);
      expect(ids(await f.scim('GET', q('externalId eq "ms-moved"')))).to.deep.equal([b]);
      expect((await f.server.runtime.directory.checkIndexes()).mismatches).to.deep.equal([]);
    });

    it('keeps userName unique', async () => {
      expect((await f.scim('POST', '/Users', msUser(121, 'ms-x'))).status).to.equal(201);
      const again = await f.scim('POST', '/Users', msUser(121, 'ms-y'));
      expect(again.status).to.equal(409);
      expect(again.body.scimType).to.equal('uniqueness');
    });
  });

  describe('the directory email is the first valid address', () => {
    it('takes the valid second address when the primary one ("Primary": true) is no address, and keeps both', async () => {
      // Microsoft's collection: a non-email primary value, capitalised "Primary".
      const body = {
        schemas: [CORE, ENTERPRISE],
        userName: 'UserNameemailName357',
        active: true,
        displayName: 'DisplayName357',
        emails: [
          { type: 'work', Primary: true, value: 'emailName357' },
          { type: 'home', value: 'home357@contoso.example' },
        ],
        externalId: 'ms-357',
        name: { formatted: 'Ryan Leenay', familyName: 'Leenay', givenName: 'Ryan' },
      };
      const reply = await f.scim('POST', '/Users', body);
      expect(reply.status, reply.text).to.equal(201);
      expect(reply.body.emails).to.deep.equal([
        { type: 'work', primary: true, value: 'emailName357' },
        { type: 'home', value: 'home357@contoso.example' },
      ]);
      expect((await adminUser(reply.body.id)).email).to.equal('home357@contoso.example');
    });

    it('prefers the primary, then the work address, then any, then a userName that is an address', async () => {
      const make = async (userName: string, emails?: object[]) => {
        const reply = await f.scim('POST', '/Users', { schemas: [CORE], userName, ...(emails ? { emails } : {}) });
        expect(reply.status, reply.text).to.equal(201);
        return (await adminUser(reply.body.id)).email;
      };
      expect(
        await make('order-1', [
          { type: 'home', value: 'home1@corp.test' },
          { type: 'work', value: 'work1@corp.test' },
          { type: 'other', value: 'primary1@corp.test', primary: true },
        ]),
      ).to.equal('primary1@corp.test');
      expect(
        await make('order-2', [
          { type: 'home', value: 'home2@corp.test' },
          { type: 'work', value: 'work2@corp.test' },
        ]),
      ).to.equal('work2@corp.test');
      expect(await make('order-3', [{ type: 'home', value: 'home3@corp.test' }])).to.equal('home3@corp.test');
      expect(await make('upn4@corp.test', [{ value: 'not an address' }])).to.equal('upn4@corp.test');
    });

    it('provisions an Entra ID user without a mailbox (no emails, a UPN userName) as an SSO user with no email', async () => {
      // Entra sends a user without a mailbox with no emails at all; this UPN is no address we take
      // (a single-label domain), so the user has no directory email.
      const reply = await f.scim('POST', '/Users', {
        schemas: [CORE, ENTERPRISE],
        externalId: '5e0b3a4c-no-mailbox',
        userName: 'kiosk.user@contoso',
        active: true,
        displayName: 'Kiosk User',
        name: { formatted: 'Kiosk User', familyName: 'User', givenName: 'Kiosk' },
        [ENTERPRISE]: { department: 'Front desk' },
      });
      expect(reply.status, reply.text).to.equal(201);
      expect(reply.body).not.to.have.property('emails');
      const id = reply.body.id as string;
      // The admin API shows them as an SSO user with no email.
      const shown = await f.server.runtime.directory.getUser(id);
      expect(shown).to.include({ email: null, kind: 'sso', name: 'Kiosk User' });
      const api = await fetch(`${f.server.url}/api/v1/users/${id}`, {
        headers: { authorization: `Bearer ${f.admin.token}` },
      });
      const presented = (await api.json()) as { user: { email: unknown; kind: string } };
      expect(presented.user).to.include({ email: null, kind: 'sso' });
      // Found, changed, deactivated and deleted like anyone else; the indexes stay right.
      expect(ids(await f.scim('GET', q('userName eq "kiosk.user@contoso"')))).to.deep.equal([id]);
      const renamed = await f.scim(
        'PATCH',
        `/Users/${id}`,
        patch({ op: 'Replace', path: 'displayName', value: 'Desk' }),
      );
      expect(renamed.status, renamed.text).to.equal(200);
      const mailbox = await f.scim(
        'PATCH',
        `/Users/${id}`,
        patch({ op: 'Add', path: 'emails[type eq "work"].value', value: 'kiosk@contoso.example' }),
      );
      expect(mailbox.status, mailbox.text).to.equal(200);
      expect((await adminUser(id)).email).to.equal('kiosk@contoso.example');
      const removed = await f.scim('PATCH', `/Users/${id}`, patch({ op: 'Remove', path: 'emails' }));
      expect(removed.status, removed.text).to.equal(200);
      expect((await adminUser(id)).email).to.equal(null);
      expect((await f.server.runtime.directory.checkIndexes()).mismatches).to.deep.equal([]);
      expect(
        (await f.scim('PATCH', `/Users/${id}`, patch({ op: 'Replace', path: 'active', value: 'False' }))).status,
      ).to.equal(200);
      expect((await f.scim('DELETE', `/Users/${id}`)).status).to.equal(204);
      expect((await f.server.runtime.directory.checkIndexes()).mismatches).to.deep.equal([]);
    });
  });

  describe('attributes qualified by or wrapped in the core schema URN (RFC 7644 §3.10)', () => {
    it('accepts core attributes wrapped in the core URN in a POST and a PUT', async () => {
      const reply = await f.scim('POST', '/Users', {
        schemas: [CORE],
        [CORE]: { userName: 'wrapped.user@corp.test', displayName: 'Wrapped User', active: true },
      });
      expect(reply.status, reply.text).to.equal(201);
      expect(reply.body).to.include({ userName: 'wrapped.user@corp.test', displayName: 'Wrapped User' });
      expect(reply.body).not.to.have.property(CORE);
      const put = await f.scim('PUT', `/Users/${reply.body.id}`, {
        schemas: [CORE],
        [CORE]: { userName: 'wrapped.user@corp.test', displayName: 'Wrapped Again' },
      });
      expect(put.status, put.text).to.equal(200);
      expect(put.body.displayName).to.equal('Wrapped Again');
    });

    it('accepts fully qualified names, core and enterprise, in a POST and a path-less PATCH', async () => {
      const reply = await f.scim('POST', '/Users', {
        schemas: [CORE, ENTERPRISE],
        [`${CORE}:userName`]: 'qualified.user@corp.test',
        [`${CORE}:name.givenName`]: 'Quinn',
        [`${ENTERPRISE}:department`]: 'Research',
      });
      expect(reply.status, reply.text).to.equal(201);
      expect(reply.body.userName).to.equal('qualified.user@corp.test');
      expect(reply.body.name).to.deep.equal({ givenName: 'Quinn' });
      expect(reply.body[ENTERPRISE]).to.deep.equal({ department: 'Research' });
      const patched = await f.scim(
        'PATCH',
        `/Users/${reply.body.id}`,
        patch({ op: 'replace', value: { [`${CORE}:displayName`]: 'Quinn Q', [CORE]: { title: 'Lead' } } }),
      );
      expect(patched.status, patched.text).to.equal(200);
      expect(patched.body).to.include({ displayName: 'Quinn Q', title: 'Lead' });
      const byPath = await f.scim(
        'PATCH',
        `/Users/${reply.body.id}`,
        patch({ op: 'replace', path: `${CORE}:title`, value: 'Head' }),
      );
      expect(byPath.status, byPath.text).to.equal(200);
      expect(byPath.body.title).to.equal('Head');
    });

    it('refuses a qualified name that is no attribute path, and a wrapper that is no object', async () => {
      const bad = await f.scim('POST', '/Users', { schemas: [CORE], userName: 'q2@corp.test', [`${CORE}:a.b.c`]: 1 });
      expect(bad.status).to.equal(400);
      expect(bad.body.scimType).to.equal('invalidPath');
      const notObject = await f.scim('POST', '/Users', { schemas: [CORE], [CORE]: 'q3@corp.test' });
      expect(notObject.status).to.equal(400);
      expect(notObject.body.scimType).to.equal('invalidValue');
    });
  });

  describe('`emails.value eq` finds secondary addresses too', () => {
    it('finds a user by a home address, by the directory email, and in a value filter', async () => {
      const reply = await f.scim('POST', '/Users', {
        schemas: [CORE],
        userName: 'two.mails',
        emails: [
          { type: 'work', primary: true, value: 'Two.Work@corp.test' },
          { type: 'home', value: 'Two.Home@home.test' },
        ],
      });
      expect(reply.status, reply.text).to.equal(201);
      const id = reply.body.id as string;
      expect(ids(await f.scim('GET', q('emails.value eq "two.home@home.test"')))).to.deep.equal([id]);
      expect(ids(await f.scim('GET', q('emails.value eq "TWO.WORK@corp.test"')))).to.deep.equal([id]);
      expect(ids(await f.scim('GET', q('emails[type eq "home" and value eq "two.home@home.test"]')))).to.deep.equal([
        id,
      ]);
      // The type must match too: the home address is not a work one.
      expect(
        (await f.scim('GET', q('emails[type eq "work" and value eq "two.home@home.test"]'))).body.totalResults,
      ).to.equal(0);
      // A replaced address is found no more.
      await f.scim(
        'PATCH',
        `/Users/${id}`,
        patch({ op: 'replace', path: 'emails[type eq "home"].value', value: 'new@home.test' }),
      );
      expect((await f.scim('GET', q('emails.value eq "two.home@home.test"'))).body.totalResults).to.equal(0);
      expect(ids(await f.scim('GET', q('emails.value eq "new@home.test"')))).to.deep.equal([id]);
      expect((await f.server.runtime.directory.checkIndexes()).mismatches).to.deep.equal([]);
    });
  });

  describe('the audit trail names the IdP token behind each change', () => {
    it('records the token id and name on create, update, deactivate and delete', async () => {
      const tokens = await f.server.runtime.directory.listScimTokens();
      const token = tokens.find((t) => t.name === 'Okta')!;
      const created = await f.scim('POST', '/Users', { schemas: [CORE], userName: 'audited@corp.test' });
      const id = created.body.id as string;
      await f.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'displayName', value: 'Audited User' }));
      await f.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'active', value: false }));
      expect((await f.scim('DELETE', `/Users/${id}`)).status).to.equal(204);
      const { redis, directory } = f.server.runtime;
      const rows = (await redis.xrange(directory.keys.audit, '-', '+')) as [string, string[]][];
      const events = rows
        .map(([, flat]) =>
          Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]])),
        )
        .filter((e) => e.target === id);
      expect(events.map((e) => e.action)).to.deep.equal([
        'user.created',
        'user.updated',
        'user.deactivated',
        'user.deleted',
      ]);
      for (const event of events) expect(event).to.include({ source: 'scim', actor: token.id, actorName: 'Okta' });
      // And the admin API's audit trail names the token.
      const page = await fetch(`${f.server.url}/api/v1/audit?limit=50`, {
        headers: { authorization: `Bearer ${f.admin.token}` },
      });
      const shown = ((await page.json()) as { events: Record<string, unknown>[] }).events.filter(
        (e) => e.target === id,
      );
      expect(shown).to.have.length(4);
      for (const event of shown) expect(event).to.include({ source: 'scim', actor: token.id, actorName: 'Okta' });
    });
  });
});
