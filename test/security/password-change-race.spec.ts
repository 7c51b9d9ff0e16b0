import { expect } from 'chai';
import { hashToken, DirectoryError } from '../../src/directory/index.js';
import { onboardUser, serverWithAdmin } from '../support/journeys.js';

// An admin resets the password of an account they think taken over, while its holder (or the
// thief, with a stolen session) changes it: the change hashes its new password for ~50 ms, and
// a reset landing in that time ended the session. The reset must win: the change is refused
// (session_ended) and only the temporary password signs in.

const FIRST = 'saffron lighthouse cobalt 31';
const SECOND = 'another river under the moon 77';

describe('security: a password change racing an admin reset', () => {
  const t = serverWithAdmin();

  it('a change whose session ended before it was stored is refused session_ended, and the reset stands', async () => {
    const user = await onboardUser(t.api, t.admin.token, { name: 'Ravi Race', email: 'ravi@corp.test' }, FIRST);
    const reset = await t.api.post(`/api/v1/users/${user.id}/reset-password`, undefined, { token: t.admin.token });
    expect(reset.status, reset.text).to.equal(200);

    // The change's last step, as it runs after its hash is made: the session it came from has ended.
    const hash = await t.server.runtime.hasher.hash(SECOND);
    const refused = await t.server.runtime.directory
      .setPassword(user.id, hash, false, { actorId: user.id, source: 'auth' }, { session: hashToken(user.token) })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).to.be.instanceOf(DirectoryError);
    expect((refused as DirectoryError).code).to.equal('session_ended');

    const temporary = await t.api.post('/auth/login', {
      email: 'ravi@corp.test',
      password: reset.body.temporaryPassword,
    });
    expect(temporary.status, temporary.text).to.equal(200);
    expect(temporary.body.mustChangePassword).to.equal(true);
  });

  it('sent at once, 10 times: the reset always wins, and the changed password never signs in', async () => {
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < 10; i++) {
      const email = `race${i}@corp.test`;
      const user = await onboardUser(t.api, t.admin.token, { name: `Race User ${i}`, email }, FIRST);
      const [change, reset] = await Promise.all([
        t.api.post('/auth/password', { currentPassword: FIRST, newPassword: SECOND }, { token: user.token }),
        t.api.post(`/api/v1/users/${user.id}/reset-password`, undefined, { token: t.admin.token }),
      ]);
      expect(reset.status, reset.text).to.equal(200);
      const outcome = change.status === 200 ? 'changed, then reset' : String(change.body.code);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      expect(['changed, then reset', 'session_ended', 'unauthenticated'], change.text).to.include(outcome);

      const changed = await t.api.post('/auth/login', { email, password: SECOND });
      expect(changed.status, `trial ${i}: the changed password signs in after the reset`).to.equal(401);
      const temporary = await t.api.post('/auth/login', { email, password: reset.body.temporaryPassword });
      expect(temporary.status, `trial ${i}: ${temporary.text}`).to.equal(200);
    }
    console.log(`      password change vs reset, 10 trials: ${JSON.stringify(outcomes)}`);
  });
});
