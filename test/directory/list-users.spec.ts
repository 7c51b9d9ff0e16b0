import { expect } from 'chai';
import { testDirectory, type TestDirectory } from '../support/redis.js';
import { makeAdmin, makeUser, as } from '../support/factories.js';
import { expectRefusal } from '../support/expect-refusal.js';

describe('directory: listing and search', () => {
  let t: TestDirectory;
  before(() => {
    t = testDirectory({ label: 'list' });
  });
  after(() => t.cleanup());

  const ids: string[] = [];
  before(async () => {
    const admin = await makeAdmin(t.directory, { name: 'Root Admin', email: 'root@corp.test' });
    ids.push(admin.id);
    for (let i = 0; i < 24; i++) {
      const user = await makeUser(t.directory, i % 6 === 0 ? 'admin' : 'user', {
        name: i === 3 ? 'Mary Ann Smith' : `Person ${String(i).padStart(2, '0')}`,
        email: i === 3 ? 'Mary.Smith@Corp.test' : `person${i}@corp.test`,
      });
      ids.push(user.id);
      if (i % 4 === 1) await t.directory.deactivateUser(user.id, as(admin));
    }
  });

  it('pages through everyone in creation order with stable cursors and an exact total', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.directory.listUsers({ limit: 7, cursor });
      expect(page.total).to.equal(25);
      seen.push(...page.users.map((u) => u.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).to.deep.equal(ids);
  });

  it('filters by status, by role, and by both', async () => {
    const inactive = await t.directory.listUsers({ status: 'inactive', limit: 200 });
    expect(inactive.total).to.equal(6);
    expect(inactive.users.every((u) => u.status === 'inactive')).to.equal(true);
    const admins = await t.directory.listUsers({ role: 'admin' });
    expect(admins.users.map((u) => u.role)).to.deep.equal(Array(5).fill('admin'));
    const activeUsers = await t.directory.listUsers({ status: 'active', role: 'user', limit: 200 });
    expect(activeUsers.total).to.equal(25 - 5 - 6 + 0);
  });

  it('searches by case-insensitive prefix of the email or the name, a full email included', async () => {
    for (const q of ['MARY.SMITH@', 'mary.smith@corp.test', 'Mary Ann', 'mary ann smith', 'MAR']) {
      const page = await t.directory.listUsers({ q });
      expect(
        page.users.map((u) => u.name),
        q,
      ).to.deep.equal(['Mary Ann Smith']);
    }
    expect((await t.directory.listUsers({ q: 'corp.test' })).total).to.equal(0);
    expect((await t.directory.listUsers({ q: 'smith' })).total).to.equal(0);
  });

  it('pages through search results with the status filter applied', async () => {
    const all = await t.directory.listUsers({ q: 'person', limit: 200 });
    expect(all.total).to.equal(23);
    const first = await t.directory.listUsers({ q: 'person', status: 'active', limit: 10 });
    const second = await t.directory.listUsers({ q: 'person', status: 'active', limit: 10, cursor: first.nextCursor! });
    expect(first.total).to.equal(17);
    expect(second.nextCursor).to.equal(null);
    expect([...first.users, ...second.users].map((u) => u.id)).to.deep.equal(
      all.users.filter((u) => u.status === 'active').map((u) => u.id),
    );
  });

  it('pages by offset (SCIM startIndex) in the same order, filtered or not', async () => {
    const all = (await t.directory.listUsers({ limit: 200 })).users.map((u) => u.id);
    for (const [offset, count] of [
      [0, 5],
      [7, 10],
      [20, 10],
      [25, 3],
      [30, 5],
    ] as const) {
      const page = await t.directory.pageUsers({ offset, count });
      expect(page.total).to.equal(25);
      expect(page.users.map((u) => u.id)).to.deep.equal(all.slice(offset, offset + count));
    }
    const inactive = (await t.directory.listUsers({ status: 'inactive', limit: 200 })).users.map((u) => u.id);
    for (let offset = 0; offset <= inactive.length; offset++) {
      const page = await t.directory.pageUsers({ offset, count: 2, status: 'inactive' });
      expect(page.total).to.equal(inactive.length);
      expect(
        page.users.map((u) => u.id),
        `offset ${offset}`,
      ).to.deep.equal(inactive.slice(offset, offset + 2));
    }
    expect((await t.directory.pageUsers({ offset: 0, count: 0, role: 'admin' })).total).to.equal(5);
  });

  it('refuses a cursor it did not issue', async () => {
    await expectRefusal(t.directory.listUsers({ cursor: 'garbage!' }), 'invalid_cursor');
  });

  it('keeps the indexes consistent with the records (doctor)', async () => {
    const report = await t.directory.checkIndexes();
    expect(report.users).to.equal(25);
    expect(report.mismatches).to.deep.equal([]);
  });

  it('doctor reports a tampered index', async () => {
    // A directory of its own: the tampering must not reach the listings above, pass or fail.
    const own = testDirectory({ label: 'doctor' });
    try {
      const victim = await makeUser(own.directory, 'user', { email: 'victim@corp.test' });
      const key = own.directory.keys.index('email');
      await own.redis.hdel(key, victim.email!);
      await own.redis.hset(key, 'ghost@corp.test', 'no-such-user');
      const report = await own.directory.checkIndexes();
      expect(report.mismatches.map((m) => m.kind)).to.have.members(['missing-index', 'dangling-index']);
    } finally {
      await own.cleanup();
    }
  });
});
