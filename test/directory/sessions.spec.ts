import { expect } from 'chai';
import { testDirectory, type TestDirectory } from '../support/redis.js';
import { makeAdmin, makeUser, as } from '../support/factories.js';
import { expectRefusal } from '../support/expect-refusal.js';
import { hashToken } from '../../src/directory/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('directory: sessions', () => {
  let t: TestDirectory;
  beforeEach(() => {
    t = testDirectory({ label: 'sessions' });
  });
  afterEach(() => t.cleanup());

  it('opens a session stored only under the hash of its token, and records the login', async () => {
    const user = await makeUser(t.directory);
    const { token, session, user: after } = await t.directory.createSession(user.id, 'full', { recordLogin: true });
    expect(token).to.have.length(43);
    expect(session.scope).to.equal('full');
    expect(after.lastLoginAt).to.be.instanceOf(Date);
    expect(after.activeSessions).to.equal(1);
    expect(await t.redis.exists(t.directory.keys.session(hashToken(token)))).to.equal(1);
    expect(await t.redis.exists(t.directory.keys.session(token))).to.equal(0);
    const found = await t.directory.lookupSession(token);
    expect(found.status).to.equal('ok');
  });

  it('refuses to open a session for an inactive user', async () => {
    const admin = await makeAdmin(t.directory);
    const user = await makeUser(t.directory);
    await t.directory.deactivateUser(user.id, as(admin));
    await expectRefusal(t.directory.createSession(user.id, 'full'), 'user_inactive');
  });

  it('rejects the session of a user deactivated after it opened, before any revocation', async () => {
    const admin = await makeAdmin(t.directory);
    const user = await makeUser(t.directory);
    const { token } = await t.directory.createSession(user.id, 'full');
    await t.directory.deactivateUser(user.id, as(admin));
    expect((await t.directory.lookupSession(token)).status).to.equal('user_inactive');
    await t.directory.activateUser(user.id, as(admin));
    expect((await t.directory.lookupSession(token)).status).to.equal('missing');
  });

  it('revokes one session', async () => {
    const user = await makeUser(t.directory);
    const a = await t.directory.createSession(user.id, 'full');
    const b = await t.directory.createSession(user.id, 'full');
    expect(await t.directory.revokeSession(hashToken(a.token))).to.equal(true);
    expect(await t.directory.revokeSession(hashToken(a.token))).to.equal(false);
    expect((await t.directory.lookupSession(a.token)).status).to.equal('missing');
    expect((await t.directory.lookupSession(b.token)).status).to.equal('ok');
  });

  it('ends all of a user’s sessions but one at once, and revocation then deletes the ended ones', async () => {
    const user = await makeUser(t.directory);
    const a = await t.directory.createSession(user.id, 'full');
    const b = await t.directory.createSession(user.id, 'full');
    const keep = await t.directory.createSession(user.id, 'full');
    expect(await t.directory.deleteEndedSessions(user.id)).to.equal(0);
    await t.directory.endAllSessions(user.id, hashToken(keep.token));
    expect((await t.directory.lookupSession(a.token)).status).to.equal('missing');
    expect((await t.directory.lookupSession(keep.token)).status).to.equal('ok');
    const later = await t.directory.createSession(user.id, 'full');
    expect(await t.directory.deleteEndedSessions(user.id)).to.equal(1);
    expect(await t.redis.exists(t.directory.keys.session(hashToken(b.token)))).to.equal(0);
    expect((await t.directory.lookupSession(later.token)).status).to.equal('ok');
    expect((await t.directory.getUser(user.id))?.activeSessions).to.equal(2);
  });

  it('revokes every session of a deactivated user, thousands of them in batches', async () => {
    const admin = await makeAdmin(t.directory);
    const user = await makeUser(t.directory);
    const opened = await Promise.all(Array.from({ length: 2500 }, () => t.directory.createSession(user.id, 'full')));
    expect((await t.directory.getUser(user.id))?.activeSessions).to.equal(2500);
    await t.directory.deactivateUser(user.id, as(admin));
    // What a job shows while it works: progress reported along the way, rising, before the end.
    const progress: number[] = [];
    expect(
      await t.directory.deleteEndedSessions(user.id, (n) => {
        progress.push(n);
      }),
    ).to.equal(2500);
    expect(progress, 'progress reported before the end').to.not.be.empty;
    expect(progress).to.deep.equal([...progress].sort((a, b) => a - b));
    expect(new Set(progress).size).to.equal(progress.length);
    expect(progress.every((n) => n > 0 && n < 2500)).to.equal(true);
    expect(await t.redis.exists(t.directory.keys.userSessions(user.id))).to.equal(0);
    for (const { token } of [opened[0]!, opened[1249]!, opened[2499]!]) {
      expect((await t.directory.lookupSession(token)).status).to.not.equal('ok');
    }
  });

  it('changes the scope of a live session', async () => {
    const user = await makeUser(t.directory);
    const { token } = await t.directory.createSession(user.id, 'password-change');
    await t.directory.setSessionScope(hashToken(token), 'full');
    const found = await t.directory.lookupSession(token);
    expect(found.status === 'ok' && found.session.scope).to.equal('full');
  });

  it('expires an idle session, and sliding keeps a busy one alive', async () => {
    const short = testDirectory({ idleTtlSeconds: 1, maxTtlSeconds: 10, label: 'idle' });
    try {
      const user = await makeUser(short.directory);
      const idle = await short.directory.createSession(user.id, 'full');
      const busy = await short.directory.createSession(user.id, 'full');
      for (let i = 0; i < 3; i++) {
        await sleep(500);
        expect((await short.directory.lookupSession(busy.token)).status).to.equal('ok');
      }
      expect((await short.directory.lookupSession(idle.token)).status).to.equal('missing');
      expect((await short.directory.getUser(user.id))?.activeSessions).to.equal(1);
    } finally {
      await short.cleanup();
    }
  });

  it('ends a session at its absolute expiry however busy it is', async () => {
    const short = testDirectory({ idleTtlSeconds: 1, maxTtlSeconds: 2, label: 'absolute' });
    try {
      const user = await makeUser(short.directory);
      const { token, session } = await short.directory.createSession(user.id, 'full');
      expect(session.absoluteExpiresAt.getTime() - session.createdAt.getTime()).to.equal(2000);
      let last = 'ok';
      for (let i = 0; i < 5; i++) {
        await sleep(500);
        last = (await short.directory.lookupSession(token)).status;
      }
      expect(last).to.equal('missing');
    } finally {
      await short.cleanup();
    }
  });
});
