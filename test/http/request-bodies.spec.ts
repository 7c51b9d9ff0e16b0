import { expect } from 'chai';
import { call } from '../support/http.js';
import { serverWithAdmin, ADMIN_PASSWORD } from '../support/journeys.js';
import { CURRENT_PASSWORD_REQUIRED } from '../../src/auth/change-password.js';

// What a client sees when its body is wrong: every bad field at once, a named missing field,
// and a 415 naming the accepted types when the body is not JSON, in each route's own format.

/** Sends bytes with exactly these headers (fetch would add text/plain to a string body). */
const send = (base: string, method: string, path: string, bytes: string, headers: Record<string, string>) =>
  call(base, method, path, { raw: Buffer.from(bytes) as unknown as string, headers });

describe('http: request bodies', () => {
  const suite = serverWithAdmin({}, { workers: false });
  const post = (path: string, body: unknown, token = suite.admin.token) => suite.api.post(path, body, { token });

  describe('all of a body’s field errors in one answer', () => {
    it('a new user without a role and with a bad name and a bad email is told all three', async () => {
      const reply = await post('/api/v1/users', { name: 'x', email: 'not-an-email' });
      expect(reply.status, reply.text).to.equal(400);
      expect(reply.body.code).to.equal('validation_failed');
      const fields = (reply.body.errors as { field: string; message: string }[]).map((e) => e.field).sort();
      expect(fields).to.deep.equal(['email', 'name', 'role']);
      expect(reply.body.errors).to.deep.include({ field: 'role', message: 'required' });
      expect(reply.body.errors).to.deep.include({ field: 'email', message: 'must be a valid email address' });
    });

    it('first-admin setup names a bad name and email together, before any password check', async () => {
      const reply = await suite.api.post('/api/v1/setup', { name: '  ', email: 'nobody' });
      expect(reply.status).to.equal(400);
      expect((reply.body.errors as { field: string }[]).map((e) => e.field).sort()).to.deep.equal([
        'email',
        'name',
        'password',
      ]);
    });

    it('a name with surrounding and doubled spaces is judged as the directory stores it, trimmed', async () => {
      const reply = await post('/api/v1/users', {
        name: `   Ada   Lovelace   `,
        email: `ada.${Date.now()}@corp.test`,
        role: 'user',
      });
      expect(reply.status, reply.text).to.equal(201);
      expect(reply.body.user.name).to.equal('Ada Lovelace');
    });
  });

  describe('a missing currentPassword', () => {
    it('on a full session names the field (400 validation_failed), not "the current password is incorrect"', async () => {
      const reply = await post('/auth/password', { newPassword: 'a brand new passphrase here' });
      expect(reply.status, reply.text).to.equal(400);
      expect(reply.body.code).to.equal('validation_failed');
      expect(reply.body.errors).to.deep.equal([{ field: 'currentPassword', message: CURRENT_PASSWORD_REQUIRED }]);
      expect(CURRENT_PASSWORD_REQUIRED).to.match(/^required /);
      // The admin's password still works: nothing was changed.
      const login = await suite.api.post('/auth/login', { email: suite.admin.email, password: ADMIN_PASSWORD });
      expect(login.status).to.equal(200);
    });
  });

  describe('a body that is not JSON', () => {
    it('sent as text/plain to an admin route is a 415 problem naming application/json', async () => {
      const reply = await send(
        suite.server.url,
        'POST',
        '/api/v1/users',
        '{"name":"Text Plain","email":"t@corp.test","role":"user"}',
        {
          authorization: `Bearer ${suite.admin.token}`,
          'content-type': 'text/plain',
        },
      );
      expect(reply.status, reply.text).to.equal(415);
      expect(reply.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(reply.body.code).to.equal('unsupported_media_type');
      expect(reply.body.accepted).to.deep.equal(['application/json']);
      expect(reply.body.detail).to.include('text/plain').and.include('application/json');
    });

    it('sent with no Content-Type at all to /auth/login is a 415 naming both JSON types /auth reads', async () => {
      const reply = await send(
        suite.server.url,
        'POST',
        '/auth/login',
        JSON.stringify({ email: suite.admin.email, password: ADMIN_PASSWORD }),
        {},
      );
      expect(reply.status, reply.text).to.equal(415);
      expect(reply.body.code).to.equal('unsupported_media_type');
      expect(reply.body.detail).to.include('without a Content-Type');
      expect(reply.body.accepted).to.deep.equal(['application/json', 'application/*+json']);
    });

    it('sent as a form to /scim/v2/Users is a SCIM Error with status "415"', async () => {
      const created = await post('/api/v1/scim-tokens', { name: 'Form IdP' });
      const reply = await send(suite.server.url, 'POST', '/scim/v2/Users', 'userName=x', {
        authorization: `Bearer ${created.body.token}`,
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(reply.status, reply.text).to.equal(415);
      expect(reply.headers.get('content-type')).to.match(/^application\/scim\+json/);
      expect(reply.body.schemas).to.deep.equal(['urn:ietf:params:scim:api:messages:2.0:Error']);
      expect(reply.body.status).to.equal('415');
      expect(reply.body.detail).to.include('application/scim+json');
    });

    it('an empty body of any type on a route that reads none is no refusal', async () => {
      const reply = await send(suite.server.url, 'POST', '/auth/logout', '', {
        authorization: `Bearer ${(await suite.api.post('/auth/login', { email: suite.admin.email, password: ADMIN_PASSWORD })).body.token}`,
        'content-type': 'text/plain',
      });
      expect(reply.status, reply.text).to.equal(204);
    });
  });
});
