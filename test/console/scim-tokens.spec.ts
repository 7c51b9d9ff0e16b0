import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { consoleSuite, screenshot, type ConsoleSuite } from './support/browser.js';
import { setUpAdmin, ADMIN_PASSWORD } from '../support/journeys.js';
import { IDP_ENTITY_ID, IDP_SSO_URL, FIXTURES } from '../saml/support/test-idp.js';

// Settings → SCIM tokens in Chromium, found by role and accessible name only: a token is created in
// the page, read once, works against /scim/v2, and stops working (401) once revoked in the page.

async function signInAndOpen(suite: ConsoleSuite, options?: { width?: number }): Promise<Page> {
  const page = await suite.page(options);
  await page.goto('/admin');
  await page.getByLabel('Email').fill('root@corp.test');
  await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
  await page.getByRole('navigation').getByRole('link', { name: 'SCIM tokens' }).click();
  await page.getByRole('heading', { name: 'SCIM tokens', level: 1 }).waitFor();
  return page;
}

const scimWith = (suite: ConsoleSuite, token: string) => suite.api.get('/scim/v2/Users', { token });
const focusedName = (page: Page) =>
  page.evaluate(
    () =>
      (document.activeElement as HTMLElement | null)?.getAttribute('aria-label') ?? document.activeElement?.textContent,
  );

describe('console: Settings → SCIM tokens in Chromium @slow', function () {
  this.timeout(90_000);

  describe('without SAML', () => {
    const suite = consoleSuite();
    let adminToken: string;
    before(async () => {
      adminToken = (await setUpAdmin(suite.api)).token;
    });

    it('creates a token shown once with Copy, which works over SCIM until it is revoked in the page', async () => {
      const page = await signInAndOpen(suite);
      await page.getByText('No SCIM tokens yet').waitFor();
      // The SCIM base URL, from PUBLIC_URL, with its own Copy button; SAML is said to be off.
      await page.getByText(`${suite.server.url}/scim/v2`, { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Copy SCIM base URL' }).click();
      expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(`${suite.server.url}/scim/v2`);
      await page.getByText('SAML single sign-on is not configured').waitFor();

      // Create: a name is required; then the token, once, with the warning and Copy.
      const opener = page.getByRole('button', { name: 'Create token' });
      await opener.click();
      const create = page.getByRole('dialog', { name: 'Create SCIM token' });
      // Focus is in the dialog, on its Name field.
      expect(await page.evaluate(() => document.activeElement?.id)).to.equal(
        await create.getByLabel('Name').getAttribute('id'),
      );
      await create.getByRole('button', { name: 'Create token' }).click();
      await create.getByRole('alert').filter({ hasText: 'Name: give the token a name' }).waitFor();
      expect((await suite.api.get('/api/v1/scim-tokens', { token: adminToken })).body.tokens).to.deep.equal([]);
      await create.getByLabel('Name').fill('Okta');
      await create.getByLabel('Name').press('Enter');
      const shown = page.getByRole('dialog', { name: 'SCIM token created' }).getByLabel('SCIM token');
      await shown.waitFor();
      const token = await shown.inputValue();
      expect(token.length).to.be.greaterThan(30);
      await page.getByText('This token is only shown once').waitFor();
      await page.getByRole('dialog').getByRole('button', { name: 'Copy' }).click();
      expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(token);
      await screenshot(page, 'scim-token-created');
      await page.getByRole('button', { name: 'Done' }).click();
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      // Focus is back on the button that opened the dialog, and the token is gone from the page.
      expect(await focusedName(page)).to.equal('Create token');
      const row = page.getByRole('row', { name: /Okta/ });
      await row.getByRole('cell', { name: 'Never' }).waitFor();
      expect(await page.content()).not.to.include(token);

      // The token works against /scim/v2 (an IdP would see an empty directory of SSO users).
      const listed = await scimWith(suite, token);
      expect(listed.status, listed.text).to.equal(200);
      expect(listed.body.totalResults).to.equal(0);

      // After a reload: its last use is a date, and it is never shown again nor kept in storage.
      await page.reload();
      await page.getByRole('heading', { name: 'SCIM tokens', level: 1 }).waitFor();
      const reloadedRow = page.getByRole('row', { name: /Okta/ });
      await reloadedRow.waitFor();
      expect(await reloadedRow.getByRole('cell', { name: 'Never' }).count()).to.equal(0);
      expect(await reloadedRow.locator('time').count()).to.equal(2);
      expect(await page.content()).not.to.include(token);
      const stored = await page.evaluate(
        () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
      );
      expect(stored).not.to.include(token);
      await screenshot(page, 'scim-tokens');

      // Revoke: Escape cancels (focus back on Revoke), then the confirmation revokes it.
      await reloadedRow.getByRole('button', { name: 'Revoke Okta' }).click();
      const confirm = page.getByRole('dialog', { name: 'Revoke SCIM token?' });
      await confirm.getByText('This cannot be undone').waitFor();
      await page.keyboard.press('Escape');
      await confirm.waitFor({ state: 'detached' });
      expect(await focusedName(page)).to.equal('Revoke Okta');
      expect((await scimWith(suite, token)).status).to.equal(200);
      await page.keyboard.press('Enter');
      await confirm.getByRole('button', { name: 'Revoke token' }).click();
      await page.getByRole('status').filter({ hasText: 'Revoked the SCIM token “Okta”.' }).waitFor();
      await page.getByText('No SCIM tokens yet').waitFor();
      expect(await focusedName(page)).to.equal('Tokens');

      const refused = await scimWith(suite, token);
      expect(refused.status).to.equal(401);
      expect(refused.body.schemas).to.deep.equal(['urn:ietf:params:scim:api:messages:2.0:Error']);
      expect((await suite.api.get('/api/v1/scim-tokens', { token: adminToken })).body.tokens).to.deep.equal([]);
    });

    it('stays usable at 390 px: nothing wider than the screen, every control reachable', async () => {
      const created = await suite.api.post(
        '/api/v1/scim-tokens',
        { name: 'Entra ID production' },
        { token: adminToken },
      );
      expect(created.status).to.equal(201);
      const page = await signInAndOpen(suite, { width: 390 });
      await page.getByRole('row', { name: /Entra ID production/ }).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
      await page.getByRole('button', { name: 'Revoke Entra ID production' }).scrollIntoViewIfNeeded();
      await screenshot(page, 'scim-tokens-390px');
      // From the keyboard: Enter on the row's Revoke opens the confirmation, Escape closes it.
      await page.getByRole('button', { name: 'Revoke Entra ID production' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('dialog', { name: 'Revoke SCIM token?' }).waitFor();
      await screenshot(page, 'scim-tokens-revoke-390px');
      await page.keyboard.press('Escape');
      expect(await focusedName(page)).to.equal('Revoke Entra ID production');
    });
  });

  describe('with SAML configured', () => {
    const suite = consoleSuite({
      SAML_IDP_CERT: `${FIXTURES}idp.crt`,
      SAML_IDP_SSO_URL: IDP_SSO_URL,
      SAML_IDP_ENTITY_ID: IDP_ENTITY_ID,
      SAML_POOL_SIZE: '1',
    });
    before(() => setUpAdmin(suite.api));

    it('shows the ACS URL, entity id and metadata URL to paste into the IdP, each with Copy', async () => {
      const page = await signInAndOpen(suite);
      const base = suite.server.url;
      for (const [term, value] of [
        ['ACS URL', `${base}/saml/acs`],
        ['Entity ID', `${base}/saml/metadata`],
        ['Metadata URL', `${base}/saml/metadata`],
      ] as const) {
        await page.getByRole('button', { name: `Copy ${term}` }).click();
        expect(await page.evaluate(() => navigator.clipboard.readText()), term).to.equal(value);
      }
      await page.getByText(`Trusted identity provider: ${IDP_ENTITY_ID}`).waitFor();
      expect(await page.getByText('SAML single sign-on is not configured').count()).to.equal(0);
      // What the page says is what the service's metadata holds.
      const metadata = await suite.api.get('/saml/metadata');
      expect(metadata.text).to.include(`entityID="${base}/saml/metadata"`);
      expect(metadata.text).to.include(`Location="${base}/saml/acs"`);
      await screenshot(page, 'scim-tokens-saml');
    });
  });
});
