import { expect } from 'chai';
import { call, client, type Client, type Reply } from '../support/http.js';
import { scimFixture, patch, type ScimFixture } from '../scim/scim-fixture.js';
import { connect } from '../support/redis.js';

// Finding 11's edge parts: what would break the inside is refused at the edge, in the route's format.

const LONE = '\ud800';
const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

const scimUser = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [SCIM_USER],
  userName,
  name: { givenName: 'Edge', familyName: 'Case' },
  emails: [{ value: userName, primary: true }],
  ...extra,
});

function expectProblem(reply: Reply, status: number, code: string) {
  expect(reply.status, reply.text).to.equal(status);
  expect(reply.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(reply.body.code).to.equal(code);
}

function expectScimError(reply: Reply, status: number, scimType?: string) {
  expect(reply.status, reply.text).to.equal(status);
  expect(reply.headers.get('content-type')).to.match(/^application\/scim\+json/);
  expect(reply.body.schemas).to.deep.equal([SCIM_ERROR]);
  expect(reply.body.status).to.equal(String(status));
  if (scimType) expect(reply.body.scimType).to.equal(scimType);
}

describe('security: the edge refuses what would break the inside', () => {
  let fx: ScimFixture;
  let api: Client;
  before(async () => {
    fx = await scimFixture();
    api = client(fx.server.url);
  });
  after(() => fx.close());

  describe('text that is not Unicode', () => {
    it('a lone surrogate in a login email is a 400, not a 500', async () => {
      const reply = await api.post('/auth/login', { email: `root${LONE}@corp.test`, password: 'whatever it is' });
      expectProblem(reply, 400, 'invalid_text');
      expect(reply.body.errors).to.deep.equal([{ field: 'email', message: 'is not valid Unicode text' }]);
    });

    it('a lone surrogate in an admin create name is a 400 naming the field', async () => {
      const reply = await api.post(
        '/api/v1/users',
        { name: `Bad ${LONE} Name`, email: 'bad.name@corp.test', role: 'user' },
        { token: fx.admin.token },
      );
      expectProblem(reply, 400, 'invalid_text');
      expect(reply.body.detail).to.include('name');
      const listed = await api.get('/api/v1/users?q=bad.name@corp.test', { token: fx.admin.token });
      expect(listed.body.total).to.equal(0);
    });

    it('a lone surrogate in a SCIM userName and in a SCIM filter is a 400 in the SCIM error schema', async () => {
      const created = await fx.scim(
        'POST',
        '/Users',
        scimUser(`edge${LONE}@corp.test`, { emails: [{ value: 'edge@corp.test', primary: true }] }),
      );
      expectScimError(created, 400, 'invalidValue');
      expect(created.body.detail).to.include('userName');

      const searched = await fx.scim('POST', '/Users/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: `userName eq "a${LONE}"`,
      });
      expectScimError(searched, 400, 'invalidValue');
      expect(searched.body.detail).to.include('filter');

      // "\ud800" as UTF-8 (%ED%A0%80) is not UTF-8: the query parser would have made it U+FFFD.
      const listed = await fx.scim('GET', '/Users?filter=userName%20eq%20%22a%ED%A0%80%22');
      expectScimError(listed, 400, 'invalidFilter');
      expect(listed.body.detail).to.include('filter');
    });

    it('a query value that is not UTF-8 is a 400 problem document in the admin API', async () => {
      const reply = await api.get('/api/v1/users?q=%ED%A0%80', { token: fx.admin.token });
      expectProblem(reply, 400, 'invalid_text');
      expect(reply.body.errors).to.deep.equal([{ field: 'q', message: 'is not valid Unicode text' }]);
      // Well-formed text, percent-encoded, still passes.
      expect(
        (await api.get(`/api/v1/users?q=${encodeURIComponent('zoë 😀')}`, { token: fx.admin.token })).status,
      ).to.equal(200);
    });
  });

  describe('deep nesting', () => {
    it('100,000 nested [ in a body is a fast 400 and the server keeps answering', async () => {
      const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
      const deep = nested(100_000);
      // The admin API and /auth take 16 KiB bodies: as deep as fits.
      const started = Date.now();
      const admin = await call(fx.server.url, 'POST', '/api/v1/users', {
        token: fx.admin.token,
        raw: nested(8000),
        headers: { 'content-type': 'application/json' },
      });
      const adminMs = Date.now() - started;
      expectProblem(admin, 400, 'invalid_json');
      expect(admin.body.detail).to.include('32 levels');

      const login = await call(fx.server.url, 'POST', '/auth/login', {
        raw: `{"email":${nested(8000)}}`,
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(login, 400, 'invalid_json');

      const scimStarted = Date.now();
      const scimDeep = await call(fx.server.url, 'POST', '/scim/v2/Users', {
        token: fx.scimToken,
        raw: deep,
        headers: { 'content-type': 'application/scim+json' },
      });
      const scimMs = Date.now() - scimStarted;
      expectScimError(scimDeep, 400, 'invalidSyntax');

      expect(adminMs, `admin API answered in ${adminMs} ms`).to.be.below(300);
      expect(scimMs, `SCIM answered in ${scimMs} ms`).to.be.below(300);
      expect((await api.get('/healthz')).status).to.equal(200);
    });

    it('brackets inside strings do not count as nesting', async () => {
      const name = '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[';
      const reply = await api.post(
        '/api/v1/users',
        { name: name.slice(0, 38), email: 'brackets@corp.test', role: 'user' },
        { token: fx.admin.token },
      );
      expect(reply.status, reply.text).to.equal(201);
    });
  });

  describe('ids', () => {
    it('an id like <uuid>:sessions is 404 and reads no other key', async () => {
      const created = await api.post(
        '/api/v1/users',
        { name: 'Session Owner', email: 'owner@corp.test', role: 'user' },
        { token: fx.admin.token },
      );
      const userId: string = created.body.user.id;
      // A first sign-in: the user now has a sessions key, <user>:sessions, of another type.
      expect(
        (await api.post('/auth/login', { email: 'owner@corp.test', password: created.body.temporaryPassword })).status,
      ).to.equal(200);

      // monitor() opens a connection of its own: both are closed below (the first one once kept mocha running).
      const redis = connect();
      const monitor = await redis.monitor();
      const touched: string[] = [];
      monitor.on('monitor', (_time: string, args: string[]) => {
        if (args.some((a) => a.includes(userId))) touched.push(args.join(' '));
      });
      try {
        const bad = `${userId}:sessions`;
        expectProblem(await api.get(`/api/v1/users/${bad}`, { token: fx.admin.token }), 404, 'not_found');
        expectProblem(
          await api.patch(`/api/v1/users/${bad}`, { name: 'Other Name' }, { token: fx.admin.token }),
          404,
          'not_found',
        );
        expectProblem(
          await api.post(`/api/v1/users/${bad}/revoke-sessions`, {}, { token: fx.admin.token }),
          404,
          'not_found',
        );
        expectProblem(
          await api.post(`/api/v1/users/${bad}/deactivate`, {}, { token: fx.admin.token }),
          404,
          'not_found',
        );
        expectProblem(
          await api.delete(`/api/v1/users/${userId.toUpperCase()}`, { token: fx.admin.token }),
          404,
          'not_found',
        );
        expectProblem(await api.delete(`/api/v1/scim-tokens/${bad}`, { token: fx.admin.token }), 404, 'not_found');
        expectScimError(await fx.scim('GET', `/Users/${bad}`), 404);
        expectScimError(await fx.scim('PUT', `/Users/${bad}`, scimUser('put@corp.test')), 404);
        expectScimError(
          await fx.scim('PATCH', `/Users/${bad}`, patch({ op: 'replace', path: 'title', value: 'x' })),
          404,
        );
        expectScimError(await fx.scim('DELETE', `/Users/${bad}`), 404);
        await new Promise((r) => setTimeout(r, 100));
        // No Redis command named the user: then, as a control, a real read of them does.
        expect(touched).to.deep.equal([]);
        expect((await api.get(`/api/v1/users/${userId}`, { token: fx.admin.token })).status).to.equal(200);
        await new Promise((r) => setTimeout(r, 100));
        expect(touched).to.not.deep.equal([]);
      } finally {
        monitor.disconnect();
        redis.disconnect();
      }
      expect(await fx.server.runtime.directory.getUser(`${userId}:sessions`)).to.equal(null);
      expect((await fx.server.runtime.directory.getUser(userId))?.status).to.equal('active');
    });

    it('GET /api/v1/jobs/deactivation:meta is 404', async () => {
      // A job first, so that BullMQ's own keys (meta, events, id) exist under the queue.
      const created = await api.post(
        '/api/v1/users',
        { name: 'Job Subject', email: 'job.subject@corp.test', role: 'user' },
        { token: fx.admin.token },
      );
      const deactivated = await api.post(
        `/api/v1/users/${created.body.user.id}/deactivate`,
        {},
        { token: fx.admin.token },
      );
      expect(deactivated.status, deactivated.text).to.be.oneOf([200, 202]);
      for (const id of [
        'deactivation:meta',
        'deactivation:events',
        'deactivation:id',
        'session-revocation:meta',
        'deactivation:0',
        'deactivation:01',
        'deactivation:1:lock',
        'meta',
      ]) {
        expectProblem(await api.get(`/api/v1/jobs/${id}`, { token: fx.admin.token }), 404, 'not_found');
      }
    });
  });

  describe('SCIM attribute sizes', () => {
    it('a 250,000-character SCIM title is refused 400 naming title and nothing is stored', async () => {
      const userName = 'long.title@corp.test';
      const created = await fx.scim('POST', '/Users', scimUser(userName, { title: 'x'.repeat(250_000) }));
      expectScimError(created, 400, 'invalidValue');
      expect(created.body.detail).to.match(/^title: /);
      const found = await fx.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
      expect(found.body.totalResults).to.equal(0);
      expect(await fx.server.runtime.directory.findUserByEmail(userName)).to.equal(null);
    });

    it('a PATCH that would store an oversized attribute is refused and the user is unchanged', async () => {
      const created = await fx.scim('POST', '/Users', scimUser('patched.title@corp.test', { title: 'Engineer' }));
      expect(created.status, created.text).to.equal(201);
      const patched = await fx.scim(
        'PATCH',
        `/Users/${created.body.id}`,
        patch({ op: 'replace', path: 'title', value: 'y'.repeat(2049) }),
      );
      expectScimError(patched, 400, 'invalidValue');
      expect(patched.body.detail).to.match(/^title: /);
      const many = await fx.scim(
        'PATCH',
        `/Users/${created.body.id}`,
        patch({
          op: 'add',
          path: 'emails',
          value: Array.from({ length: 101 }, (_, i) => ({ value: `alias${i}@corp.test`, type: 'other' })),
        }),
      );
      expectScimError(many, 400, 'invalidValue');
      expect(many.body.detail).to.match(/^emails: at most 100 values/);
      expect((await fx.scim('GET', `/Users/${created.body.id}`)).body.title).to.equal('Engineer');
    });
  });
});
