import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { consoleSuite, screenshot } from './support/browser.js';
import { setUpAdmin } from '../support/journeys.js';
import { PAGE_SIZE } from '../../console/src/pages/users.js';

// Settings → Users beyond the guide's journey: paging, search, SSO users marked, the keyboard
// and focus in dialogs and the Actions menu, a 390 px wide screen, the forced password change
// holding the page, and refusals in words (never raw JSON).

describe('console: the Users page, keyboard, small screens @slow', function () {
  this.timeout(90_000);
  const suite = consoleSuite();
  let admin: { token: string; id: string; email: string };
  const created: { id: string; email: string; password: string }[] = [];

  before(async function () {
    this.timeout(120_000);
    admin = await setUpAdmin(suite.api);
    // One page and a bit: the admin and PAGE_SIZE + 2 more.
    for (let i = 1; i <= PAGE_SIZE + 2; i++) {
      const email = `person${String(i).padStart(2, '0')}@example.com`;
      const reply = await suite.api.post(
        '/api/v1/users',
        { name: `Person ${String(i).padStart(2, '0')}`, email, role: 'user' },
        { token: admin.token },
      );
      expect(reply.status, reply.text).to.equal(201);
      created.push({ id: reply.body.user.id, email, password: reply.body.temporaryPassword });
    }
    const sso = await suite.api.post(`/api/v1/users/${created[0]!.id}/convert-to-sso`, undefined, {
      token: admin.token,
    });
    expect(sso.status, sso.text).to.equal(200);
  });

  // The admin's session, opened once through the API and handed to each new page as its cookie
  // (sign-in itself is the sign-in spec's and the journey's subject; argon2 costs seconds at load).
  const signedIn = async (options: { width?: number; height?: number } = {}) => {
    const page = await suite.page(options);
    await page.context().addCookies([{ name: 'rune_session', value: admin.token, url: suite.server.url }]);
    await page.goto('/admin');
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    return page;
  };
  const total = PAGE_SIZE + 3;
  const dataRows = (page: Page) =>
    page
      .getByRole('table')
      .getByRole('row')
      .filter({ has: page.getByRole('cell') });

  it('pages by cursor, searches, filters, and marks SSO users', async () => {
    const page = await signedIn();
    await page.getByText(`1–${PAGE_SIZE} of ${total} users`).waitFor();
    expect(await dataRows(page).count()).to.equal(PAGE_SIZE);
    const headers = await page.getByRole('columnheader').allTextContents();
    expect(headers.slice(0, 5)).to.deep.equal(['Name', 'Email', 'Role', 'Status', 'Last login']);
    await page
      .getByRole('row', { name: /Person 01/ })
      .getByText('SSO', { exact: true })
      .waitFor();
    expect(
      await page
        .getByRole('row', { name: /Person 02/ })
        .getByText('SSO', { exact: true })
        .count(),
    ).to.equal(0);
    await page
      .getByRole('row', { name: /Person 02/ })
      .getByRole('cell', { name: 'Never' })
      .waitFor();

    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText(`${PAGE_SIZE + 1}–${total} of ${total} users`).waitFor();
    expect(await dataRows(page).count()).to.equal(3);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).to.equal(true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByText(`1–${PAGE_SIZE} of ${total} users`).waitFor();

    await page.getByLabel('Search').fill('person07');
    await page.getByText('1–1 of 1 user').waitFor();
    await page.getByRole('row', { name: /Person 07/ }).waitFor();
    await page.getByLabel('Search').fill('nobody-like-this');
    await page.getByText('No users match.').first().waitFor();
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Status').selectOption({ label: 'Inactive' });
    await page.getByText('No users match.').first().waitFor();
    const api = await suite.api.get('/api/v1/users?status=inactive', { token: admin.token });
    expect(api.body.total).to.equal(0);
  });

  it('works from the keyboard: focus into the dialog, trapped, Escape closes and it returns; the Actions menu', async () => {
    const page = await signedIn();
    const createButton = page.getByRole('button', { name: 'Create User' });
    await createButton.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Create User' });
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).to.equal('true');
    const focused = () =>
      page.evaluate(() => document.activeElement?.getAttribute('name') ?? document.activeElement?.textContent);
    expect(await focused()).to.equal('name');
    // A visible focus ring.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.to.equal('none');
    // Tab goes round inside the dialog: Name, Email, Role, Cancel, Create User, and back to Name.
    const seen: (string | null | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      seen.push(await focused());
    }
    expect(seen).to.deep.equal(['email', 'role', 'Cancel', 'Create User', 'name']);
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).to.equal('Create User');
    await page.keyboard.type('x');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focused()).to.equal('Create User');

    // Create with the keyboard only; a refusal is words, never JSON.
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.type('Someone Else');
    await page.keyboard.press('Tab');
    await page.keyboard.type(created[3]!.email);
    await page.keyboard.press('Enter');
    const refusal = dialog.getByRole('alert');
    await refusal.filter({ hasText: 'A user with this email already exists.' }).waitFor();
    expect(await refusal.textContent()).not.to.match(/[{}"]|problem|urn:/);
    await screenshot(page, 'refusal-email-taken');
    await page.keyboard.press('Escape');

    // The Actions menu: Enter opens it on its first item, arrows move, Escape closes back to the button.
    const row = page.getByRole('row', { name: /Person 05/ });
    await row.getByRole('button', { name: 'Actions' }).focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu');
    await menu.waitFor();
    expect(await row.getByRole('button', { name: 'Actions' }).getAttribute('aria-expanded')).to.equal('true');
    expect(await menu.getByRole('menuitem').allTextContents()).to.deep.equal([
      'Deactivate',
      'Revoke sessions',
      'Delete',
    ]);
    expect(await focused()).to.equal('Deactivate');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).to.equal('Revoke sessions');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await focused(), 'wraps around').to.equal('Deactivate');
    await page.keyboard.press('ArrowUp');
    expect(await focused()).to.equal('Delete');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    expect(await focused()).to.equal('Actions');
    // Delete's confirmation from the keyboard: focus on Cancel first; Escape puts it back on Actions.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('dialog', { name: 'Delete Person 05?' });
    await confirm.waitFor();
    expect(await focused()).to.equal('Cancel');
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    expect(await focused()).to.equal('Actions');
    expect((await suite.api.get(`/api/v1/users/${created[4]!.id}`, { token: admin.token })).status).to.equal(200);
  });

  it("Revoke sessions ends the user's sessions at once", async () => {
    const person = created[10]!;
    const login = await suite.api.post('/auth/login', { email: person.email, password: person.password });
    expect(login.status, login.text).to.equal(200);
    const page = await signedIn();
    await page
      .getByRole('row', { name: /Person 11/ })
      .getByRole('button', { name: 'Actions' })
      .click();
    await page.getByRole('menuitem', { name: 'Revoke sessions' }).click();
    await page.getByRole('status').filter({ hasText: "Person 11's sessions are revoked" }).waitFor();
    const after = await suite.api.post(
      '/auth/password',
      { newPassword: 'a quiet harbour at dusk' },
      { token: login.body.token },
    );
    expect(after.status, after.text).to.equal(401);
  });

  it('stays usable 390 px wide: no sideways scrolling, every control reachable', async () => {
    const page = await signedIn({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, 'sideways overflow in px').to.be.at.most(0);
    await screenshot(page, 'user-list-390px', { fullPage: false });
    const row = page.getByRole('row', { name: /Person 06/ });
    for (const name of ['Edit', 'Actions']) {
      const box = (await row.getByRole('button', { name }).boundingBox())!;
      expect(box.x + box.width, name).to.be.at.most(390);
    }
    await row.getByRole('button', { name: 'Actions' }).click();
    const menuBox = (await page.getByRole('menu').boundingBox())!;
    expect(menuBox.x).to.be.at.least(0);
    expect(menuBox.x + menuBox.width).to.be.at.most(390);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Create User' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create User' });
    const box = (await dialog.boundingBox())!;
    expect(box.x).to.be.at.least(0);
    expect(box.x + box.width).to.be.at.most(390);
    await screenshot(page, 'create-user-390px');
  });

  it('holds a temporary-password session on the password change: no other page, no navigation', async () => {
    const person = created[8]!;
    const page = await suite.page();
    await page.goto('/admin');
    expect(await page.getByRole('button', { name: 'Sign in with SSO' }).count(), 'SSO without SAML').to.equal(0);
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password', { exact: true }).fill(person.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const heading = page.getByRole('heading', { name: 'Change your password' });
    await heading.waitFor();
    for (const route of ['#/settings/users', '#/account', '#/settings/audit-log']) {
      await page.evaluate((hash) => (location.hash = hash), route);
      await page.waitForTimeout(200);
      expect(await heading.count(), route).to.equal(1);
      expect(await page.getByRole('navigation').count(), route).to.equal(0);
      expect(await page.getByRole('table').count(), route).to.equal(0);
    }
    await page.reload();
    await heading.waitFor();
    // The requirements follow the typing.
    await page.getByLabel('New password').fill('short');
    await page.getByRole('listitem').filter({ hasText: 'At least 12 characters (not met)' }).waitFor();
    await page.getByLabel('New password').fill('person08 is my password');
    await page.getByRole('listitem').filter({ hasText: 'At least 12 characters (met)' }).waitFor();
    await page
      .getByRole('listitem')
      .filter({ hasText: 'Does not contain your name or your email address (not met)' })
      .waitFor();
    await page.getByLabel('Confirm password').fill('person08 is my password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').filter({ hasText: 'Does not contain your name or your email address' }).waitFor();
    // The service holds it too.
    const login = await suite.api.post('/auth/login', { email: person.email, password: person.password });
    expect((await suite.api.get('/api/v1/users', { token: login.body.token })).body.code).to.equal(
      'password_change_required',
    );
  });
});
