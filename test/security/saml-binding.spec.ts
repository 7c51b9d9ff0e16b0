import { expect } from 'chai';
import { testDirectory } from '../support/redis.js';
import { expectRefusal } from '../support/expect-refusal.js';
import { Browser, expectRefused, sessionCookieOf } from '../saml/support/browser.js';
import { idpResponse, PERSISTENT_FORMAT, type ResponseOptions } from '../saml/support/test-idp.js';
import { samlServer } from '../saml/support/saml-server.js';

// Finding 3 of issue 9: a validly signed assertion with NameID attacker-pid-777 and the victim's
// email opened a session as the victim, and re-bound the victim's account to the attacker's
// NameID. Rule 9: a binding is final; email links only a user that has no NameID yet.

const SCIM = { source: 'scim' } as const;

describe('security: a SAML NameID binding is final', () => {
  const saml = samlServer();

  async function signIn(nameId: string, email: string, options: ResponseOptions = {}) {
    const browser = new Browser(saml.server.url);
    const { requestId } = await browser.startLogin();
    const response = await idpResponse({
      inResponseTo: requestId,
      nameId,
      nameIdFormat: PERSISTENT_FORMAT,
      attributes: { email },
      ...options,
    });
    return browser.postToAcs(response.base64);
  }

  const whoIs = async (reply: Awaited<ReturnType<typeof signIn>>) =>
    (await saml.api.get('/auth/session', { cookie: sessionCookieOf(reply) })).body.user;

  it("a second NameID with a bound user's email is refused saml_account_bound, audited, no session, and the victim still signs in with their own NameID", async () => {
    const directory = saml.server.runtime.directory;
    const victim = await directory.createUser(
      { name: 'Victim Admin', email: 'victim@corp.test', role: 'admin', kind: 'sso', nameId: 'victim-pid-001' },
      SCIM,
    );
    const users = await directory.countUsers();

    const attack = await signIn('attacker-pid-777', 'VICTIM@corp.test');
    expectRefused(attack, 409, 'saml_account_bound');
    expect(attack.body.detail).to.match(/another SAML identity/);
    expect(await directory.countUsers(), 'no user was created').to.equal(users);
    expect(await directory.findUserByNameId('attacker-pid-777')).to.equal(null);
    expect((await directory.getUser(victim.id))!.nameId, 'the binding is unchanged').to.equal('victim-pid-001');
    const refused = (await directory.listAudit({ limit: 20 })).events.find((e) => e.action === 'saml.binding_refused');
    expect(refused).to.include({ target: victim.id, source: 'saml' });
    expect(refused!.details).to.include({ attemptedNameId: 'attacker-pid-777' });

    // Twice, in case the first refusal changed anything: the binding does not ping-pong.
    expectRefused(await signIn('attacker-pid-777', 'victim@corp.test'), 409, 'saml_account_bound');
    const own = await signIn('victim-pid-001', 'victim@corp.test');
    expect(own.status, own.text).to.equal(302);
    expect(await whoIs(own)).to.include({ id: victim.id, role: 'admin' });
  });

  it('an SSO user created over SCIM (no NameID yet) is linked by email at first SAML login', async () => {
    const scim = await saml.server.runtime.directory.createUser(
      { name: 'Sue Scim', email: 'sue@corp.test', role: 'user', kind: 'sso' },
      SCIM,
    );
    const first = await signIn('sue-pid-1', 'Sue@corp.test');
    expect(first.status, first.text).to.equal(302);
    expect((await whoIs(first)).id).to.equal(scim.id);
    expect((await saml.server.runtime.directory.getUser(scim.id))!.nameId).to.equal('sue-pid-1');
    // Linked once, bound for good: the next NameID with her email is refused.
    expectRefused(await signIn('sue-pid-2', 'sue@corp.test'), 409, 'saml_account_bound');
  });

  it('two assertions with different NameIDs for one unbound email: exactly one binds', async () => {
    for (const round of [1, 2, 3]) {
      const scim = await saml.server.runtime.directory.createUser(
        { name: `Race ${round}`, email: `race${round}@corp.test`, role: 'user', kind: 'sso' },
        SCIM,
      );
      const replies = await Promise.all(
        ['a', 'b'].map((who) => signIn(`race${round}-pid-${who}`, `race${round}@corp.test`)),
      );
      expect(replies.map((r) => r.status).sort(), replies.map((r) => r.text).join(' ')).to.deep.equal([302, 409]);
      const winner = replies.findIndex((r) => r.status === 302);
      expectRefused(replies[1 - winner]!, 409, 'saml_account_bound');
      expect((await saml.server.runtime.directory.getUser(scim.id))!.nameId).to.equal(
        `race${round}-pid-${'ab'[winner]}`,
      );
      expect(await saml.server.runtime.directory.findUserByNameId(`race${round}-pid-${'ab'[1 - winner]}`)).to.equal(
        null,
      );
    }
  });

  it('two assertions with different NameIDs for a new email: one user, bound to one of them', async () => {
    const replies = await Promise.all(['a', 'b'].map((who) => signIn(`fresh-pid-${who}`, 'fresh@corp.test')));
    expect(replies.map((r) => r.status).sort(), replies.map((r) => r.text).join(' ')).to.deep.equal([302, 409]);
    const winner = replies.findIndex((r) => r.status === 302);
    expectRefused(replies[1 - winner]!, 409, 'saml_account_bound');
    expect((await saml.server.runtime.directory.findUserByEmail('fresh@corp.test'))!.nameId).to.equal(
      `fresh-pid-${'ab'[winner]}`,
    );
  });
});

describe('security: the directory refuses to re-bind a NameID where the link is written', () => {
  it('refuses linkSso for a user bound to another NameID, and keeps the binding', async () => {
    const t = testDirectory({ label: 'bind' });
    try {
      const user = await t.directory.createUser(
        { name: 'Bound One', email: 'bound@corp.test', role: 'user', kind: 'sso', nameId: 'pid-1' },
        SCIM,
      );
      await expectRefusal(t.directory.linkSso(user.id, 'pid-2', { source: 'saml' }), 'saml_account_bound');
      expect((await t.directory.getUser(user.id))!.nameId).to.equal('pid-1');
      expect(await t.directory.findUserByNameId('pid-2')).to.equal(null);
      expect(
        (await t.directory.linkSso(user.id, 'pid-1', { source: 'saml' })).nameId,
        'its own NameID links again',
      ).to.equal('pid-1');
    } finally {
      await t.cleanup();
    }
  });
});
