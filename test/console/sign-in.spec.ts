import { expect } from 'chai';
import { consoleSuite, screenshot } from './support/browser.js';
import { setUpAdmin, ADMIN_PASSWORD } from '../support/journeys.js';
import { FIXTURES } from '../saml/support/test-idp.js';

// The sign-in page: Sign in with SSO when SAML is configured, and each refusal in words in an
// alert (wrong credentials, an SSO user, a deactivated user, too many attempts).

const IDP_SSO_URL = 'https://idp.corp.test/sso';

describe('console: sign-in and its refusals @slow', function () {
  this.timeout(60_000);
  const suite = consoleSuite({
    SAML_IDP_CERT: `${FIXTURES}idp.crt`,
    SAML_IDP_SSO_URL: IDP_SSO_URL,
    SAML_IDP_ENTITY_ID: 'https://idp.corp.test/saml2',
    SAML_POOL_SIZE: '1',
    LOGIN_MAX_FAILURES: '3',
  });
  let admin: { token: string; id: string; email: string };

  before(async () => {
    admin = await setUpAdmin(suite.api);
  });

  const signIn = async (email: string, password: string) => {
    const page = await suite.page();
    await page.goto('/admin');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    return page;
  };

  const createUser = async (email: string) => {
    const created = await suite.api.post(
      '/api/v1/users',
      { name: 'Test Person', email, role: 'user' },
      { token: admin.token },
    );
    expect(created.status, created.text).to.equal(201);
    return { id: created.body.user.id as string, password: created.body.temporaryPassword as string };
  };

  it('refuses a wrong password in words, and signs the right one in', async () => {
    const page = await signIn(admin.email, 'not the password at all');
    await page.getByRole('alert').filter({ hasText: 'The email or password is incorrect.' }).waitFor();
    await screenshot(page, 'refusal-wrong-password');
    expect(await page.getByRole('alert').textContent()).not.to.match(/[{}"]/);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
  });

  it('tells an SSO user to sign in through their identity provider', async () => {
    const user = await createUser('sso.person@example.com');
    const converted = await suite.api.post(`/api/v1/users/${user.id}/convert-to-sso`, undefined, {
      token: admin.token,
    });
    expect(converted.status, converted.text).to.equal(200);
    const page = await signIn('sso.person@example.com', user.password);
    await page.getByRole('alert').filter({ hasText: 'sign in through your identity provider' }).waitFor();
    await screenshot(page, 'refusal-sso-user');
    const api = await suite.api.post('/auth/login', { email: 'sso.person@example.com', password: user.password });
    expect(api.body.code).to.equal('sso_required');
  });

  it('tells a deactivated user their account is deactivated', async () => {
    const user = await createUser('gone@example.com');
    const off = await suite.api.post(`/api/v1/users/${user.id}/deactivate`, undefined, { token: admin.token });
    expect(off.status, off.text).to.equal(200);
    const page = await signIn('gone@example.com', user.password);
    await page.getByRole('alert').filter({ hasText: 'Your account is deactivated' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Sign in to Rune' }).count()).to.equal(1);
  });

  it('after too many attempts, says to try again in N minutes (from Retry-After)', async () => {
    await createUser('tries@example.com');
    const page = await signIn('tries@example.com', 'wrong guess number 1');
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: 'incorrect' }).waitFor();
    for (const n of [2, 3, 4]) {
      await page.getByLabel('Password', { exact: true }).fill(`wrong guess number ${n}`);
      // Listening before the click: a refused attempt (no argon2) can answer before a late listener.
      const answered = page.waitForResponse((r) => r.url().endsWith('/auth/login'));
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await answered;
    }
    await alert.filter({ hasText: /^Too many attempts\. Try again in \d+ minutes?\.$/ }).waitFor();
    await screenshot(page, 'refusal-throttled');
    const api = await suite.api.post('/auth/login', { email: 'tries@example.com', password: 'again' });
    expect(api.status).to.equal(429);
    const minutes = Math.ceil(Number(api.headers.get('retry-after')) / 60);
    expect(await alert.textContent()).to.match(new RegExp(`in (${minutes}|${minutes - 1}|${minutes + 1}) minute`));
  });

  it('offers Sign in with SSO when SAML is configured, which goes to /saml/login and on to the IdP', async () => {
    const page = await suite.page();
    // The IdP is elsewhere: the service's redirect is answered here, so the browser never leaves the origin.
    let redirectedTo: string | undefined;
    await page.route('**/saml/login*', async (route) => {
      const reply = await route.fetch({ maxRedirects: 0 });
      redirectedTo = reply.headers()['location'];
      await route.fulfill({ status: 200, contentType: 'text/plain', body: 'the IdP would sign you in now' });
    });
    await page.goto('/admin');
    await page.getByRole('button', { name: 'Sign in with SSO' }).click();
    await page.waitForURL(/\/saml\/login/);
    expect(redirectedTo).to.be.a('string');
    expect(redirectedTo!.startsWith(`${IDP_SSO_URL}?SAMLRequest=`), redirectedTo).to.equal(true);
  });

  it("is told by GET /auth/methods that SAML is on (the button's source)", async () => {
    expect((await suite.api.get('/auth/methods')).body).to.include({ saml: true, setupRequired: false });
  });
});
