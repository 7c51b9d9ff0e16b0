import { expect } from 'chai';
import { testDirectory, type TestDirectory } from '../support/redis.js';
import { makeUser, SYSTEM } from '../support/factories.js';
import { expectRefusal } from '../support/expect-refusal.js';

describe('directory: SSO users and SAML NameIDs', () => {
  let t: TestDirectory;
  beforeEach(() => {
    t = testDirectory({ label: 'sso' });
  });
  afterEach(() => t.cleanup());

  it('creates an SSO user findable by the exact NameID, and refuses a second holder', async () => {
    const user = await t.directory.createUser(
      { name: 'Sso Person', email: 'sso@corp.test', role: 'user', kind: 'sso', nameId: 'Ab12-persistent' },
      SYSTEM,
    );
    expect(user.nameId).to.equal('Ab12-persistent');
    expect((await t.directory.findUserByNameId('Ab12-persistent'))?.id).to.equal(user.id);
    expect(await t.directory.findUserByNameId('ab12-persistent')).to.equal(null);
    await expectRefusal(
      t.directory.createUser(
        { name: 'Other One', email: 'o@corp.test', role: 'user', kind: 'sso', nameId: 'Ab12-persistent' },
        SYSTEM,
      ),
      'conflict',
    );
    await expectRefusal(
      t.directory.createUser(
        { name: 'Pw User', email: 'p@corp.test', role: 'user', kind: 'password', passwordHash: 'h', nameId: 'x' },
        SYSTEM,
      ),
      'validation_failed',
    );
  });

  it('links a password user to SSO, removing the password for good', async () => {
    const user = await makeUser(t.directory, 'user', { mustChangePassword: true });
    const linked = await t.directory.linkSso(user.id, 'nameid-1', { source: 'saml' });
    expect(linked).to.include({ kind: 'sso', nameId: 'nameid-1', mustChangePassword: false });
    expect(await t.directory.getPasswordHash(user.id)).to.equal(null);
    expect((await t.directory.findUserByNameId('nameid-1'))?.id).to.equal(user.id);
    const other = await makeUser(t.directory);
    await expectRefusal(t.directory.linkSso(other.id, 'nameid-1', { source: 'saml' }), 'conflict');
    expect((await t.directory.checkIndexes()).mismatches).to.deep.equal([]);
  });
});
