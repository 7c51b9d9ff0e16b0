import { expect } from 'chai';
import { Browser, expectRefused, sessionCookieOf } from './support/browser.js';
import { idpResponse, toBase64, type ResponseOptions } from './support/test-idp.js';
import {
  assertionOf,
  digestCommentAttack,
  replaceNameId,
  unsignedCopy,
  withoutSignatures,
  wrappedSignedInfoAttack,
} from './support/tamper.js';
import { samlServer } from './support/saml-server.js';

// Each attack is refused with a 4xx that says why: no redirect, no session, and no user.
// Mallory has an account at the IdP; the victim's name is what Mallory wants to sign in as.

const MALLORY = 'mallory@corp.test';
const VICTIM = 'victim@corp.test';

describe('saml: responses an attacker made are refused', () => {
  const saml = samlServer();

  let users: number;
  beforeEach(async () => {
    users = await saml.server.runtime.directory.countUsers();
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'passed') return;
    expect(await saml.server.runtime.directory.findUserByEmail(VICTIM), 'no victim account appears').to.equal(null);
  });
  const expectNoNewUser = async () =>
    expect(await saml.server.runtime.directory.countUsers(), 'no user was created').to.equal(users);

  /** A browser that started a login, and the genuine response the IdP sent it. */
  async function loginInProgress(options: ResponseOptions = {}) {
    const browser = new Browser(saml.server.url);
    const { requestId } = await browser.startLogin('/home');
    const response = await idpResponse({ inResponseTo: requestId, nameId: MALLORY, ...options });
    return { browser, requestId, response };
  }

  async function refuses(options: ResponseOptions, status: number, code: string, detail?: RegExp) {
    const { browser, response } = await loginInProgress(options);
    const reply = await browser.postToAcs(response.base64);
    expectRefused(reply, status, code);
    if (detail) expect(reply.body.detail).to.match(detail);
    await expectNoNewUser();
  }

  describe('replay', () => {
    it('accepts a response once; posted again it answers a request already spent', async () => {
      const { browser, response } = await loginInProgress({ nameId: 'once@corp.test' });
      expect((await browser.postToAcs(response.base64)).status).to.equal(302);
      users = await saml.server.runtime.directory.countUsers();
      expectRefused(await browser.postToAcs(response.base64), 400, 'saml_request_unknown');
      await expectNoNewUser();
    });

    it('gives one session to three concurrent posts of one response', async () => {
      const { browser, response } = await loginInProgress({ nameId: 'racer@corp.test' });
      const replies = await Promise.all([1, 2, 3].map(() => browser.postToAcs(response.base64)));
      expect(replies.map((r) => r.status).sort()).to.deep.equal([302, 400, 400]);
      const winner = replies.find((r) => r.status === 302)!;
      const session = await saml.api.get('/auth/session', { cookie: sessionCookieOf(winner) });
      expect(session.body.user.activeSessions).to.equal(1);
      for (const loser of replies.filter((r) => r.status !== 302)) expectRefused(loser, 400, 'saml_request_unknown');
    });

    it('refuses an assertion id seen before, even answering a new request', async () => {
      const first = await loginInProgress({ nameId: 'echo@corp.test' });
      expect((await first.browser.postToAcs(first.response.base64)).status).to.equal(302);
      users = await saml.server.runtime.directory.countUsers();
      await refuses({ nameId: 'echo@corp.test', assertionId: first.response.assertionId }, 400, 'saml_replay');
    });
  });

  describe('binding to the login request and the browser', () => {
    it('refuses an unsolicited response (IdP-initiated sign-in is off by default)', async () => {
      const browser = new Browser(saml.server.url);
      const response = await idpResponse({ nameId: VICTIM });
      expectRefused(await browser.postToAcs(response.base64), 400, 'saml_unsolicited');
      await expectNoNewUser();
    });

    it('refuses a response to a login started in another browser, and spends that request', async () => {
      const victim = await loginInProgress({ nameId: VICTIM });
      const attacker = new Browser(saml.server.url);
      await attacker.startLogin();
      expectRefused(await attacker.postToAcs(victim.response.base64), 400, 'saml_request_other_browser');
      expectRefused(
        await new Browser(saml.server.url).postToAcs(victim.response.base64),
        400,
        'saml_request_other_browser',
      );
      expectRefused(await victim.browser.postToAcs(victim.response.base64), 400, 'saml_request_unknown');
      await expectNoNewUser();
    });

    it('refuses an InResponseTo that an unsigned Response changed', async () => {
      const { browser, response } = await loginInProgress();
      const other = await new Browser(saml.server.url).startLogin();
      const edited = response.xml.replace(/(<samlp:Response[^>]*InResponseTo=")[^"]+/, `$1${other.requestId}`);
      expectRefused(await browser.postToAcs(toBase64(edited)), 400, 'saml_in_response_to_mismatch');
      await expectNoNewUser();
    });
  });

  describe('signatures', () => {
    it("refuses a response with no signature at all (the IdP's stripped off)", async () => {
      const { browser, response } = await loginInProgress({ nameId: VICTIM });
      expectRefused(await browser.postToAcs(toBase64(withoutSignatures(response.xml))), 400, 'saml_signature_invalid');
      await expectNoNewUser();
    });

    it('refuses a NameID edited after signing', async () => {
      const { browser, response } = await loginInProgress();
      expectRefused(
        await browser.postToAcs(toBase64(replaceNameId(response.xml, MALLORY, VICTIM))),
        400,
        'saml_signature_invalid',
      );
      await expectNoNewUser();
    });

    it("refuses a response signed with an attacker's key, its certificate in KeyInfo", async () => {
      await refuses({ nameId: VICTIM, key: 'attacker' }, 400, 'saml_signature_invalid');
      await refuses({ nameId: VICTIM, key: 'attacker', sign: 'response' }, 400, 'saml_signature_invalid');
    });

    it('refuses a response whose own signature fails, beside a valid assertion signature', async () => {
      const { browser, response } = await loginInProgress({ sign: 'both' });
      // The Response's signature comes first in the document (after its Issuer); break its value.
      const broken = response.xml.replace(
        /<ds:SignatureValue>(.)/,
        (_all, c: string) => `<ds:SignatureValue>${c === 'A' ? 'B' : 'A'}`,
      );
      expectRefused(await browser.postToAcs(toBase64(broken)), 400, 'saml_signature_invalid');
      await expectNoNewUser();
    });

    it('refuses an unsigned assertion beside the signed one', async () => {
      const { browser, response } = await loginInProgress();
      const genuine = assertionOf(response.xml);
      const evil = unsignedCopy(genuine, { from: MALLORY, to: VICTIM });
      for (const wrapped of [
        response.xml.replace(genuine, evil + genuine),
        response.xml.replace(genuine, genuine + evil),
      ]) {
        expectRefused(await browser.postToAcs(toBase64(wrapped)), 400, 'saml_response_malformed');
      }
      await expectNoNewUser();
    });

    it('refuses an unsigned assertion around the signed one', async () => {
      const { browser, response } = await loginInProgress();
      const genuine = assertionOf(response.xml);
      const evil = unsignedCopy(genuine, { from: MALLORY, to: VICTIM });
      const around = evil.replace('<saml:Subject>', `<saml:Advice>${genuine}</saml:Advice><saml:Subject>`);
      expectRefused(
        await browser.postToAcs(toBase64(response.xml.replace(genuine, around))),
        400,
        'saml_response_malformed',
      );
      await expectNoNewUser();
    });

    it('refuses a signed Response wrapped inside an unsigned one that carries another assertion', async () => {
      const { browser, response } = await loginInProgress({ sign: 'response' });
      const evil = unsignedCopy(assertionOf(response.xml), { from: MALLORY, to: VICTIM });
      const open = /^<samlp:Response[^>]*>/.exec(response.xml)![0].replace(/ ID="[^"]+"/, ' ID="_outer"');
      const wrapper = `${open}<samlp:Extensions>${response.xml}</samlp:Extensions><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${evil}</samlp:Response>`;
      const reply = await browser.postToAcs(toBase64(wrapper));
      expectRefused(reply, 400, 'saml_response_malformed');
      await expectNoNewUser();
    });

    it('refuses a second root element after the signed Response', async () => {
      const { browser, response } = await loginInProgress();
      const extra = `${response.xml}<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_extra"/>`;
      expectRefused(await browser.postToAcs(toBase64(extra)), 400, 'saml_response_malformed');
      await expectNoNewUser();
    });

    it('refuses a digest with a comment inside it (CVE-2025-29775)', async () => {
      const browser = new Browser(saml.server.url);
      const { requestId } = await browser.startLogin();
      const forged = await digestCommentAttack({ inResponseTo: requestId, nameId: MALLORY }, VICTIM);
      expectRefused(await browser.postToAcs(forged), 400, 'saml_signature_invalid');
      await expectNoNewUser();
    });

    it('refuses a SignedInfo wrapped inside the signature (CVE-2025-29774)', async () => {
      const browser = new Browser(saml.server.url);
      const { requestId } = await browser.startLogin();
      const forged = await wrappedSignedInfoAttack({ inResponseTo: requestId, nameId: MALLORY }, VICTIM);
      const reply = await browser.postToAcs(forged);
      expectRefused(reply, 400, 'saml_response_malformed');
      await expectNoNewUser();
    });
  });

  describe('what the assertion says', () => {
    it('refuses the wrong audience, recipient, destination or issuer', async () => {
      await refuses({ audience: 'https://other-app.corp.test/saml' }, 400, 'saml_audience_mismatch');
      await refuses({ recipient: 'https://other-app.corp.test/acs' }, 400, 'saml_recipient_mismatch');
      await refuses({ destination: 'https://other-app.corp.test/acs' }, 400, 'saml_destination_mismatch');
      await refuses({ sign: 'response', destination: null }, 400, 'saml_destination_mismatch');
      await refuses({ assertionIssuer: 'https://evil-idp.test' }, 400, 'saml_issuer_mismatch', /evil-idp/);
      await refuses({ responseIssuer: 'https://evil-idp.test' }, 400, 'saml_issuer_mismatch');
    });

    it('refuses an expired assertion and one not valid yet, beyond 60 s of clock skew', async () => {
      const now = Date.now();
      await refuses({ notBefore: new Date(now - 600_000), notOnOrAfter: new Date(now - 61_000) }, 400, 'saml_expired');
      await refuses(
        { notBefore: new Date(now + 61_000), notOnOrAfter: new Date(now + 600_000) },
        400,
        'saml_not_yet_valid',
      );
    });

    it('accepts clocks that disagree by less than 60 s', async () => {
      const now = Date.now();
      for (const [notBefore, notOnOrAfter, who] of [
        [now + 50_000, now + 600_000, 'early'],
        [now - 600_000, now - 50_000, 'late'],
      ] as const) {
        const { browser, response } = await loginInProgress({
          nameId: `${who}@corp.test`,
          notBefore: new Date(notBefore),
          notOnOrAfter: new Date(notOnOrAfter),
        });
        expect((await browser.postToAcs(response.base64)).status).to.equal(302);
      }
    });

    it('refuses a failure status even beside a validly signed assertion', async () => {
      await refuses(
        { nameId: VICTIM, status: 'urn:oasis:names:tc:SAML:2.0:status:Responder' },
        401,
        'saml_status_not_success',
        /Responder/,
      );
    });

    it('never shortens a NameID with a comment in it: victim@corp.test<!---->.evil.test is not the victim', async () => {
      const victim = await saml.server.runtime.directory.createUser(
        { name: 'Vic Tim', email: VICTIM, role: 'user', kind: 'sso', nameId: VICTIM },
        { source: 'system' },
      );
      try {
        const { browser, response } = await loginInProgress({
          nameId: `${VICTIM}.evil.test`,
          attributes: { email: `${VICTIM}.evil.test` },
        });
        const injected = response.xml
          .replace(`>${VICTIM}.evil.test</saml:NameID>`, `>${VICTIM}<!---->.evil.test</saml:NameID>`)
          .replace(`>${VICTIM}.evil.test</saml:AttributeValue>`, `>${VICTIM}<!---->.evil.test</saml:AttributeValue>`);
        expect(injected).to.include('<!---->');
        const reply = await browser.postToAcs(toBase64(injected));
        // The comment is outside what was signed; the signed value is the whole, longer name.
        expect(reply.status, reply.text).to.equal(302);
        const session = await saml.api.get('/auth/session', { cookie: sessionCookieOf(reply) });
        expect(session.body.user.email).to.equal(`${VICTIM}.evil.test`);
        expect(session.body.user.id).not.to.equal(victim.id);
        expect(victim.activeSessions).to.equal(0);
        expect((await saml.server.runtime.directory.getUser(victim.id))!.activeSessions).to.equal(0);
      } finally {
        await saml.server.runtime.directory.deleteUser(victim.id, { source: 'system' });
      }
    });
  });

  describe('the message itself', () => {
    it('refuses a DOCTYPE', async () => {
      const { browser, response } = await loginInProgress();
      const withDoctype = `<!DOCTYPE samlp:Response [<!ENTITY who "${VICTIM}">]>${response.xml}`;
      expectRefused(await browser.postToAcs(toBase64(withDoctype)), 400, 'saml_response_malformed');
      await expectNoNewUser();
    });

    it('refuses an oversized body with 413, before reading it', async () => {
      const { browser } = await loginInProgress();
      expectRefused(await browser.postToAcs('PHNhbWxwOlJlc3BvbnNl'.repeat(4000)), 413, 'saml_response_too_large');
      await expectNoNewUser();
    });

    it('refuses a post without SAMLResponse, or not base64', async () => {
      const browser = new Browser(saml.server.url);
      expectRefused(await browser.postToAcs(''), 400, 'saml_response_missing');
      expectRefused(await browser.postToAcs('<samlp:Response/>'), 400, 'saml_response_malformed');
    });
  });

  describe('where the browser goes afterwards', () => {
    for (const offSite of [
      'https://evil.test/',
      '//evil.test',
      '/\\evil.test',
      '/\t/evil.test',
      'javascript:alert(1)',
      'evil.test',
    ]) {
      it(`sends the browser home, not to ${JSON.stringify(offSite)}`, async () => {
        const browser = new Browser(saml.server.url);
        const { requestId } = await browser.startLogin(offSite);
        const response = await idpResponse({ inResponseTo: requestId, nameId: 'traveller@corp.test' });
        const reply = await browser.postToAcs(response.base64, { RelayState: offSite });
        expect(reply.status).to.equal(302);
        expect(reply.headers.get('location')).to.equal('/');
      });
    }
  });

  it('spends neither the login request nor the assertion id on a refused response', async () => {
    const { browser, requestId, response } = await loginInProgress({ audience: 'https://other-app.corp.test/saml' });
    await browser.postToAcs(response.base64);
    const prefix = saml.server.config.redis.prefix;
    expect(await saml.server.runtime.redis.exists(`{${prefix}}:saml:seen:${response.assertionId}`)).to.equal(0);
    expect(await saml.server.runtime.redis.exists(`{${prefix}}:saml:req:${requestId}`)).to.equal(1);
  });
});
