import { expect } from 'chai';
import { testDirectory, type TestDirectory } from '../support/redis.js';
import { makeAdmin, makeUser, as, SYSTEM } from '../support/factories.js';
import { expectRefusal } from '../support/expect-refusal.js';

describe('directory: roles, deactivation and deletion', () => {
  let t: TestDirectory;
  beforeEach(() => {
    t = testDirectory({ label: 'rules' });
  });
  afterEach(() => t.cleanup());

  describe('changing a role', () => {
    it('refuses demoting the last active admin, and allows it once another admin exists', async () => {
      const admin = await makeAdmin(t.directory);
      await expectRefusal(t.directory.updateUser(admin.id, { role: 'user' }, SYSTEM), 'last_active_admin');
      const other = await makeUser(t.directory);
      await t.directory.updateUser(other.id, { role: 'admin' }, as(admin));
      const demoted = await t.directory.updateUser(admin.id, { role: 'user' }, as(other));
      expect(demoted.role).to.equal('user');
      expect(demoted.version).to.equal(2);
    });

    it('refuses the actor changing their own role', async () => {
      const admin = await makeAdmin(t.directory);
      await makeAdmin(t.directory);
      await expectRefusal(t.directory.updateUser(admin.id, { role: 'user' }, as(admin)), 'cannot_change_own_role');
    });

    it('lets an admin rename themselves, and a rename is searchable at once', async () => {
      const admin = await makeAdmin(t.directory);
      await t.directory.updateUser(admin.id, { name: 'Grace Hopper' }, as(admin));
      const page = await t.directory.listUsers({ q: 'grace h' });
      expect(page.users.map((u) => u.id)).to.deep.equal([admin.id]);
    });

    it('refuses an update of a stale version', async () => {
      const user = await makeUser(t.directory);
      await t.directory.updateUser(user.id, { name: 'First Rename' }, SYSTEM, { expectedVersion: 1 });
      await expectRefusal(
        t.directory.updateUser(user.id, { name: 'Second Rename' }, SYSTEM, { expectedVersion: 1 }),
        'version_mismatch',
      );
    });
  });

  describe('deactivating', () => {
    it('refuses deactivating yourself', async () => {
      const admin = await makeAdmin(t.directory);
      await makeAdmin(t.directory);
      await expectRefusal(t.directory.deactivateUser(admin.id, as(admin)), 'cannot_deactivate_self');
    });

    it('refuses deactivating the last active admin, and allows it after promoting another', async () => {
      const admin = await makeAdmin(t.directory);
      const user = await makeUser(t.directory);
      await expectRefusal(t.directory.deactivateUser(admin.id, as(user)), 'last_active_admin');
      await t.directory.updateUser(user.id, { role: 'admin' }, as(admin));
      const { user: after, changed } = await t.directory.deactivateUser(admin.id, as(user));
      expect(changed).to.equal(true);
      expect(after.status).to.equal('inactive');
      expect(await t.redis.smembers(t.directory.keys.activeAdmins)).to.deep.equal([user.id]);
    });

    it('is idempotent, and so is activation', async () => {
      const admin = await makeAdmin(t.directory);
      const user = await makeUser(t.directory);
      expect((await t.directory.deactivateUser(user.id, as(admin))).changed).to.equal(true);
      const again = await t.directory.deactivateUser(user.id, as(admin));
      expect(again.changed).to.equal(false);
      expect(again.user.version).to.equal(2);
      expect((await t.directory.activateUser(user.id, as(admin))).changed).to.equal(true);
      expect((await t.directory.activateUser(user.id, as(admin))).changed).to.equal(false);
      expect((await t.directory.getUser(user.id))?.status).to.equal('active');
    });

    it('answers not_found for an unknown id', async () => {
      await expectRefusal(t.directory.deactivateUser('missing', SYSTEM), 'not_found');
      await expectRefusal(t.directory.activateUser('missing', SYSTEM), 'not_found');
    });
  });

  describe('deleting', () => {
    it('refuses while the user has a live session, and allows it once they are revoked', async () => {
      const admin = await makeAdmin(t.directory);
      const user = await makeUser(t.directory);
      await t.directory.createSession(user.id, 'full');
      await expectRefusal(t.directory.deleteUser(user.id, as(admin)), 'active_sessions');
      await t.directory.deactivateUser(user.id, as(admin));
      await t.directory.deleteEndedSessions(user.id);
      await t.directory.deleteUser(user.id, as(admin));
      expect(await t.directory.getUser(user.id)).to.equal(null);
    });

    it('prunes expired sessions before deciding', async () => {
      const short = testDirectory({ idleTtlSeconds: 1, maxTtlSeconds: 1, label: 'prune' });
      try {
        const admin = await makeAdmin(short.directory);
        const user = await makeUser(short.directory);
        await short.directory.createSession(user.id, 'full');
        await new Promise((resolve) => setTimeout(resolve, 1100));
        await short.directory.deleteUser(user.id, as(admin));
      } finally {
        await short.cleanup();
      }
    });

    it('refuses deleting yourself or the last active admin', async () => {
      const admin = await makeAdmin(t.directory);
      const user = await makeUser(t.directory);
      await expectRefusal(t.directory.deleteUser(admin.id, as(admin)), 'cannot_delete_self');
      await expectRefusal(t.directory.deleteUser(admin.id, as(user)), 'last_active_admin');
    });

    it('removes every index entry', async () => {
      const admin = await makeAdmin(t.directory);
      const user = await makeUser(t.directory, 'user', { externalId: 'ext-1', name: 'Delete Me Please' });
      await t.directory.deleteUser(user.id, as(admin));
      expect(await t.directory.findUserByEmail(user.email!)).to.equal(null);
      expect(await t.directory.findUserByExternalId('ext-1')).to.equal(null);
      expect((await t.directory.listUsers({ q: 'delete' })).total).to.equal(0);
      expect((await t.directory.listUsers()).total).to.equal(1);
      expect(await t.redis.exists(t.directory.keys.user(user.id))).to.equal(0);
      expect((await t.directory.checkIndexes()).mismatches).to.deep.equal([]);
      // The email is free again.
      await makeUser(t.directory, 'user', { email: user.email! });
    });
  });
});
