import { expect } from 'chai';
import { testDirectory, type TestDirectory } from '../support/redis.js';
import { makeUser, SYSTEM, uniqueEmail } from '../support/factories.js';
import { expectRefusal } from '../support/expect-refusal.js';

describe('directory: creating users', () => {
  let t: TestDirectory;
  beforeEach(() => {
    t = testDirectory({ label: 'create' });
  });
  afterEach(() => t.cleanup());

  const base = () => ({ name: 'Ada Lovelace', email: uniqueEmail(), role: 'user' as const, kind: 'sso' as const });

  it('trims the name and lower-cases the email', async () => {
    const user = await t.directory.createUser(
      { ...base(), name: '  Ada   Lovelace ', email: ' Ada.L@Example.TEST ' },
      SYSTEM,
    );
    expect(user.name).to.equal('Ada Lovelace');
    expect(user.email).to.equal('ada.l@example.test');
    expect(user.status).to.equal('active');
    expect(user.version).to.equal(1);
    expect(user.activeSessions).to.equal(0);
  });

  it('accepts names of 3 and 40 characters, counting Unicode characters', async () => {
    const shortest = await t.directory.createUser({ ...base(), name: 'Abe' }, SYSTEM);
    // 40 é, sent decomposed (80 code points): counted, and stored, after NFC.
    const longest = await t.directory.createUser({ ...base(), name: 'e\u0301'.repeat(40) }, SYSTEM);
    expect(shortest.name).to.equal('Abe');
    expect(longest.name).to.equal('\u00e9'.repeat(40));
    expect(await t.directory.getUser(longest.id)).to.include({ name: '\u00e9'.repeat(40) });
  });

  it('refuses names shorter than 3 or longer than 40 after trimming', async () => {
    const short = await expectRefusal(
      t.directory.createUser({ ...base(), name: '  Al  ' }, SYSTEM),
      'validation_failed',
    );
    expect(short.fields[0]!.field).to.equal('name');
    await expectRefusal(t.directory.createUser({ ...base(), name: 'x'.repeat(41) }, SYSTEM), 'validation_failed');
  });

  it('refuses an invalid email, role or kind, naming each field', async () => {
    const error = await expectRefusal(
      t.directory.createUser(
        { name: 'Bob Smith', email: 'not-an-email', role: 'owner' as never, kind: 'magic' as never },
        SYSTEM,
      ),
      'validation_failed',
    );
    expect(error.fields.map((f) => f.field)).to.have.members(['email', 'role', 'kind']);
    expect(await t.directory.countUsers()).to.equal(0);
  });

  it('refuses a second user whose email differs only by case', async () => {
    const email = uniqueEmail();
    await t.directory.createUser({ ...base(), email }, SYSTEM);
    await expectRefusal(t.directory.createUser({ ...base(), email: email.toUpperCase() }, SYSTEM), 'email_taken');
    expect(await t.directory.countUsers()).to.equal(1);
  });

  it('refuses a duplicate userName case-insensitively, including non-ASCII letters', async () => {
    await t.directory.createUser({ ...base(), userName: 'ÉLODIE' }, SYSTEM);
    await expectRefusal(t.directory.createUser({ ...base(), userName: 'élodie' }, SYSTEM), 'username_taken');
    expect((await t.directory.findUserByUserName('Élodie'))?.userName).to.equal('ÉLODIE');
  });

  it('keeps password users with a hash and SSO users without one', async () => {
    await expectRefusal(t.directory.createUser({ ...base(), kind: 'password' }, SYSTEM), 'validation_failed');
    await expectRefusal(t.directory.createUser({ ...base(), passwordHash: 'x' }, SYSTEM), 'validation_failed');
    const user = await makeUser(t.directory);
    expect(await t.directory.getPasswordHash(user.id)).to.match(/^\$argon2id\$/);
  });

  it('finds a user by id, email, userName and externalId', async () => {
    const user = await t.directory.createUser({ ...base(), externalId: 'Okta-00u1' }, SYSTEM);
    expect((await t.directory.getUser(user.id))?.id).to.equal(user.id);
    expect((await t.directory.findUserByEmail(user.email!.toUpperCase()))?.id).to.equal(user.id);
    expect((await t.directory.findUserByUserName(user.email!))?.id).to.equal(user.id);
    expect((await t.directory.findUserByExternalId('okta-00U1'))?.id).to.equal(user.id);
    expect(await t.directory.getUser('nope')).to.equal(null);
  });
});
