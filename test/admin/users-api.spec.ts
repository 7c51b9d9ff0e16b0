import { expect } from 'chai';
import { call } from '../support/http.js';
import { onboardUser, serverWithAdmin } from '../support/journeys.js';

const PASSWORD = 'saffron glacier kettle 31';
const USER_KEYS = [
  'id',
  'name',
  'email',
  'role',
  'status',
  'kind',
  'mustChangePassword',
  'createdAt',
  'updatedAt',
  'lastLoginAt',
  'activeSessions',
];

describe('admin API: users', () => {
  const t = serverWithAdmin();

  const as = (token: string) => ({ token });

  describe('who may call it', () => {
    it('answers 401 without a session and 403 forbidden to a user, as problem documents', async () => {
      expect((await t.api.get('/api/v1/users')).status).to.equal(401);
      const user = await onboardUser(t.api, t.admin.token, { name: 'Uma User', email: 'uma@corp.test' }, PASSWORD);
      const routes: [string, string][] = [
        ['GET', '/api/v1/users'],
        ['POST', '/api/v1/users'],
        ['GET', `/api/v1/users/${t.admin.id}`],
        ['PATCH', `/api/v1/users/${t.admin.id}`],
        ['DELETE', `/api/v1/users/${t.admin.id}`],
        ['POST', `/api/v1/users/${t.admin.id}/deactivate`],
        ['POST', `/api/v1/users/${t.admin.id}/activate`],
        ['POST', `/api/v1/users/${t.admin.id}/revoke-sessions`],
        ['GET', '/api/v1/jobs/deactivation:1'],
        ['GET', '/api/v1/audit'],
      ];
      for (const [method, path] of routes) {
        const reply = await call(t.server.url, method, path, {
          token: user.token,
          body: method === 'GET' ? undefined : {},
        });
        expect(reply.status, `${method} ${path}`).to.equal(403);
        expect(reply.body.code).to.equal('forbidden');
        expect(reply.headers.get('content-type')).to.match(/^application\/problem\+json/);
      }
    });
  });

  describe('create, read, change', () => {
    it('creates a user, answering 201 with the user and a temporary password, and never shows a secret', async () => {
      const created = await t.api.post(
        '/api/v1/users',
        { name: '  Carl Created ', email: 'carl@corp.test', role: 'admin' },
        as(t.admin.token),
      );
      expect(created.status).to.equal(201);
      expect(created.headers.get('location')).to.equal(`/api/v1/users/${created.body.user.id}`);
      expect(Object.keys(created.body.user)).to.have.members(USER_KEYS);
      expect(created.body.user).to.include({
        name: 'Carl Created',
        role: 'admin',
        status: 'active',
        kind: 'password',
        activeSessions: 0,
        lastLoginAt: null,
      });
      const listed = await t.api.get('/api/v1/users?q=carl', as(t.admin.token));
      expect(Object.keys(listed.body.users[0])).to.have.members(USER_KEYS);
      expect(listed.text).not.to.include(created.body.temporaryPassword);
    });

    it('refuses a bad body with 400 validation_failed naming each bad field', async () => {
      const bad = await t.api.post(
        '/api/v1/users',
        { name: 'Al', email: 'nope', role: 'owner', color: 'red' },
        as(t.admin.token),
      );
      expect(bad.status).to.equal(400);
      expect(bad.body.code).to.equal('validation_failed');
      expect(bad.body.errors.map((e: { field: string }) => e.field)).to.have.members([
        'name',
        'email',
        'role',
        'color',
      ]);
      const invalid = await t.api.post('/api/v1/users', { name: 'Al', email: 'nope', role: 'user' }, as(t.admin.token));
      expect(invalid.body.errors.map((e: { field: string }) => e.field)).to.have.members(['name', 'email']);
      expect(invalid.body.detail).to.include('3–40 characters');
      const long = await t.api.post(
        '/api/v1/users',
        { name: 'x'.repeat(41), email: 'long@corp.test', role: 'user' },
        as(t.admin.token),
      );
      expect(long.status).to.equal(400);
    });

    it('refuses a duplicate email with 409 email_taken', async () => {
      const first = await t.api.post(
        '/api/v1/users',
        { name: 'Dana Double', email: 'dana.double@corp.test', role: 'user' },
        as(t.admin.token),
      );
      expect(first.status, first.text).to.equal(201);
      const dup = await t.api.post(
        '/api/v1/users',
        { name: 'Dana Again', email: 'DANA.Double@corp.test', role: 'user' },
        as(t.admin.token),
      );
      expect(dup.status).to.equal(409);
      expect(dup.body.code).to.equal('email_taken');
    });

    it('answers 404 not_found for an unknown id', async () => {
      const missing = await t.api.get('/api/v1/users/no-such-id', as(t.admin.token));
      expect(missing.status).to.equal(404);
      expect(missing.body.code).to.equal('not_found');
      expect((await t.api.post('/api/v1/users/no-such-id/deactivate', undefined, as(t.admin.token))).status).to.equal(
        404,
      );
    });

    it('changes a role and a name; refuses an empty change and your own role', async () => {
      const user = await onboardUser(t.api, t.admin.token, { name: 'Rob Role', email: 'rob@corp.test' }, PASSWORD);
      const changed = await t.api.patch(
        `/api/v1/users/${user.id}`,
        { role: 'admin', name: 'Robert Role' },
        as(t.admin.token),
      );
      expect(changed.status).to.equal(200);
      expect(changed.body.user).to.include({ role: 'admin', name: 'Robert Role' });
      expect((await t.api.patch(`/api/v1/users/${user.id}`, {}, as(t.admin.token))).status).to.equal(400);
      const own = await t.api.patch(`/api/v1/users/${t.admin.id}`, { role: 'user' }, as(t.admin.token));
      expect(own.status).to.equal(409);
      expect(own.body.code).to.equal('cannot_change_own_role');
      await t.api.patch(`/api/v1/users/${user.id}`, { role: 'user' }, as(t.admin.token));
    });
  });

  describe('listing', () => {
    it('pages with a cursor, a default limit of 50 and a maximum of 200', async () => {
      // Whoever the other tests created, this one adds 55 and counts from there.
      const existing: number = (await t.api.get('/api/v1/users?limit=1', as(t.admin.token))).body.total;
      for (let i = 0; i < 55; i++) {
        await t.server.runtime.directory.createUser(
          { name: `Bulk User ${i}`, email: `bulk${i}@corp.test`, role: 'user', kind: 'sso' },
          { source: 'system' },
        );
      }
      const first = await t.api.get('/api/v1/users', as(t.admin.token));
      expect(first.body.users).to.have.length(50);
      expect(first.body.total).to.equal(existing + 55);
      const second = await t.api.get(`/api/v1/users?cursor=${first.body.nextCursor}`, as(t.admin.token));
      expect(second.body.users[0].id).not.to.equal(first.body.users[49].id);
      expect(second.body.users.length + 50).to.equal(first.body.total);
      expect((await t.api.get('/api/v1/users?limit=201', as(t.admin.token))).status).to.equal(400);
      expect((await t.api.get('/api/v1/users?limit=200', as(t.admin.token))).body.users).to.have.length(
        first.body.total,
      );
      expect((await t.api.get('/api/v1/users?cursor=bogus', as(t.admin.token))).body.code).to.equal('invalid_cursor');
      expect((await t.api.get('/api/v1/users?status=asleep', as(t.admin.token))).status).to.equal(400);
      const admins = await t.api.get('/api/v1/users?role=admin', as(t.admin.token));
      expect(admins.body.users.every((u: { role: string }) => u.role === 'admin')).to.equal(true);
    });
  });
});
