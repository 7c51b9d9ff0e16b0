import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { consoleSuite, screenshot } from './support/browser.js';

// The user-management guide's whole journey in the browser (issue 12, steps 1-9), found by role
// and accessible name only; each step is also checked through the API, so a page that only looks
// right fails.

const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'a long passphrase of yours' };
const GRACE = { name: 'Grace Hopper', email: 'grace@example.com', password: 'compass rose over quiet harbours' };

describe('console: the guide journey in Chromium @slow', function () {
  this.timeout(120_000);
  const suite = consoleSuite();

  const apiAs = async (email: string, password: string) => {
    const login = await suite.api.post('/auth/login', { email, password });
    expect(login.status, login.text).to.equal(200);
    return login.body.token as string;
  };
  const userByEmail = async (token: string, email: string) => {
    const list = await suite.api.get(`/api/v1/users?q=${encodeURIComponent(email)}`, { token });
    expect(list.status, list.text).to.equal(200);
    return (list.body.users as any[]).find((u) => u.email === email);
  };
  const rowOf = (page: Page, name: string) => page.getByRole('row', { name: new RegExp(name) });
  const action = async (page: Page, name: string, item: string) => {
    await rowOf(page, name).getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menu').getByRole('menuitem', { name: item, exact: true }).click();
  };

  it('walks steps 1-9: signup, create, first sign-in, role, refusals, deactivate, activate, delete', async () => {
    const admin = await suite.page();

    // 1. The first admin signs up, then signs in.
    await admin.goto('/admin');
    await admin.getByRole('heading', { name: 'Set up Rune' }).waitFor();
    await admin.getByLabel('Name').fill(ADMIN.name);
    await admin.getByLabel('Email').fill(ADMIN.email);
    await admin.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await admin.getByRole('button', { name: 'Create admin account' }).click();
    await admin.getByRole('status').filter({ hasText: 'Your admin account is ready' }).waitFor();
    expect((await suite.api.get('/auth/methods')).body.setupRequired).to.equal(false);
    expect(await admin.getByLabel('Email').inputValue()).to.equal(ADMIN.email);
    await admin.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await admin.getByRole('button', { name: 'Sign in', exact: true }).click();
    await admin.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    const nav = admin.getByRole('navigation');
    await nav.getByRole('heading', { name: 'Settings' }).waitFor();
    for (const link of ['Users', 'SCIM tokens', 'Audit log']) await nav.getByRole('link', { name: link }).waitFor();
    const adminToken = await apiAs(ADMIN.email, ADMIN.password);
    const adminUser = await userByEmail(adminToken, ADMIN.email);
    expect(adminUser).to.include({ role: 'admin', status: 'active' });
    expect(adminUser.lastLoginAt).to.be.a('string');

    // 2. Create a user: a 2-character name is refused first; then the temporary password, once.
    await admin.getByRole('button', { name: 'Create User' }).click();
    const create = admin.getByRole('dialog', { name: 'Create User' });
    await create.getByLabel('Name').fill('Al');
    await create.getByText('Name must be 3–40 characters (now 2).').waitFor();
    await create.getByLabel('Email').fill(GRACE.email);
    await create.getByRole('button', { name: 'Create User' }).click();
    await create.getByRole('alert').filter({ hasText: 'Name must be 3–40 characters' }).waitFor();
    await screenshot(admin, 'refusal-name-too-short');
    expect((await suite.api.get('/api/v1/users', { token: adminToken })).body.total).to.equal(1);
    await create.getByLabel('Name').fill(GRACE.name);
    await create.getByLabel('Role').selectOption({ label: 'User' });
    await create.getByRole('button', { name: 'Create User' }).click();
    const temporary = create.getByLabel('Temporary password');
    await temporary.waitFor();
    const temporaryPassword = await temporary.inputValue();
    expect(temporaryPassword).to.match(/^\S{16}$/);
    await create.getByText('This password is only shown once').waitFor();
    await create.getByRole('button', { name: 'Copy' }).click();
    expect(await admin.evaluate(() => navigator.clipboard.readText())).to.equal(temporaryPassword);
    await screenshot(admin, 'create-user-temporary-password');
    const created = await userByEmail(adminToken, GRACE.email);
    expect(created).to.include({ name: GRACE.name, role: 'user', status: 'active', mustChangePassword: true });
    await create.getByRole('button', { name: 'Done' }).click();
    await create.waitFor({ state: 'detached' });
    expect(await admin.evaluate(() => document.activeElement?.textContent)).to.equal('Create User');
    const shownAgain = async () =>
      admin.evaluate(
        (secret) =>
          document.documentElement.outerHTML.includes(secret) ||
          JSON.stringify({ ...localStorage }).includes(secret) ||
          JSON.stringify({ ...sessionStorage }).includes(secret),
        temporaryPassword,
      );
    expect(await shownAgain(), 'the temporary password after Done').to.equal(false);
    await admin.reload();
    await rowOf(admin, GRACE.name).waitFor();
    expect(await shownAgain(), 'the temporary password after a reload').to.equal(false);

    // 3. The new user signs in with it, is refused a mismatch and a common password, sets their own.
    const grace = await suite.page();
    await grace.goto('/admin');
    await grace.getByLabel('Email').fill(GRACE.email);
    await grace.getByLabel('Password', { exact: true }).fill(temporaryPassword);
    await grace.getByRole('button', { name: 'Sign in', exact: true }).click();
    await grace.getByRole('heading', { name: 'Change your password' }).waitFor();
    expect(await grace.getByRole('navigation').count(), 'navigation during the forced change').to.equal(0);
    await screenshot(grace, 'forced-password-change');
    await grace.getByLabel('New password').fill(GRACE.password);
    await grace.getByLabel('Confirm password').fill(`${GRACE.password}!`);
    await grace.getByRole('listitem').filter({ hasText: 'Both passwords match (not met)' }).waitFor();
    await grace.getByRole('button', { name: 'Change password' }).click();
    await grace.getByRole('alert').filter({ hasText: 'Both passwords match' }).waitFor();
    await screenshot(grace, 'refusal-passwords-differ');
    expect((await userByEmail(adminToken, GRACE.email)).mustChangePassword).to.equal(true);
    await grace.getByLabel('New password').fill('unbelievable');
    await grace.getByLabel('Confirm password').fill('unbelievable');
    await grace.getByRole('listitem').filter({ hasText: 'At least 12 characters (met)' }).waitFor();
    await grace.getByRole('button', { name: 'Change password' }).click();
    await grace.getByRole('alert').filter({ hasText: 'Is one of the most commonly used passwords' }).waitFor();
    await screenshot(grace, 'refusal-common-password');
    expect((await userByEmail(adminToken, GRACE.email)).mustChangePassword).to.equal(true);
    await grace.getByLabel('New password').fill(GRACE.password);
    await grace.getByLabel('Confirm password').fill(GRACE.password);
    await grace.getByRole('button', { name: 'Change password' }).click();
    await grace.getByRole('heading', { name: 'My account' }).waitFor();
    await grace.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor();
    // A User-role session: their own account, not the admin pages.
    expect(await grace.getByRole('link', { name: 'Users' }).count()).to.equal(0);
    await grace.goto('/admin#/settings/users');
    await grace.waitForURL(/#\/account$/);
    await grace.getByRole('heading', { name: 'My account' }).waitFor();
    expect(await userByEmail(adminToken, GRACE.email)).to.include({ mustChangePassword: false });

    // 4. The admin sees them Active with a last login, makes them Admin and back.
    await admin.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    await admin.reload();
    const row = rowOf(admin, GRACE.name);
    await row.getByRole('cell', { name: 'Active', exact: true }).waitFor();
    expect(await row.getByRole('cell', { name: 'Never', exact: true }).count(), 'last login').to.equal(0);
    const lastLoginAt = (await userByEmail(adminToken, GRACE.email)).lastLoginAt as string;
    expect(lastLoginAt).to.be.a('string');
    await screenshot(admin, 'user-list');
    await row.getByRole('cell', { name: GRACE.email }).click();
    const edit = admin.getByRole('dialog', { name: `Edit ${GRACE.name}` });
    await edit.getByLabel('Role').selectOption({ label: 'Admin' });
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await row.getByRole('cell', { name: 'Admin', exact: true }).waitFor();
    expect((await userByEmail(adminToken, GRACE.email)).role).to.equal('admin');
    await row.getByRole('button', { name: 'Edit' }).click();
    await edit.getByLabel('Role').selectOption({ label: 'User' });
    await edit.getByRole('button', { name: 'Save' }).click();
    await row.getByRole('cell', { name: 'User', exact: true }).waitFor();
    expect((await userByEmail(adminToken, GRACE.email)).role).to.equal('user');

    // 5. The admin is refused deactivating themselves.
    await action(admin, ADMIN.name, 'Deactivate');
    await admin.getByRole('alert').filter({ hasText: 'You cannot deactivate your own account' }).waitFor();
    await screenshot(admin, 'refusal-deactivate-self');
    expect((await userByEmail(adminToken, ADMIN.email)).status).to.equal('active');

    // 6. Deactivate the new user: Inactive under the filter; their open page stops; sign-in refused.
    await action(admin, GRACE.name, 'Deactivate');
    await row.getByRole('cell', { name: 'Inactive', exact: true }).waitFor();
    expect((await userByEmail(adminToken, GRACE.email)).status).to.equal('inactive');
    await admin.getByLabel('Status').selectOption({ label: 'Inactive' });
    await admin.getByRole('cell', { name: ADMIN.email }).waitFor({ state: 'detached' });
    await rowOf(admin, GRACE.name).getByRole('cell', { name: 'Inactive', exact: true }).waitFor();
    await grace.getByLabel('Current password').fill(GRACE.password);
    await grace.getByLabel('New password').fill('another quiet harbour at dusk');
    await grace.getByLabel('Confirm password').fill('another quiet harbour at dusk');
    await grace.getByRole('button', { name: 'Change password' }).click();
    // Her sessions ended with the deactivation (the clean-up job deletes them): the page says so.
    await grace.getByRole('heading', { name: 'Sign in to Rune' }).waitFor();
    await grace
      .getByRole('alert')
      .filter({ hasText: /Your session has ended|Your account is deactivated/ })
      .waitFor();
    await grace.getByLabel('Email').fill(GRACE.email);
    await grace.getByLabel('Password', { exact: true }).fill(GRACE.password);
    await grace.getByRole('button', { name: 'Sign in', exact: true }).click();
    await grace.getByRole('alert').filter({ hasText: 'Your account is deactivated' }).waitFor();
    await screenshot(grace, 'refusal-sign-in-inactive');
    expect((await suite.api.post('/auth/login', { email: GRACE.email, password: GRACE.password })).status).to.equal(
      403,
    );

    // 7. Reactivate them: the old password works.
    await action(admin, GRACE.name, 'Activate');
    await rowOf(admin, GRACE.name).getByRole('cell', { name: 'Active', exact: true }).waitFor();
    expect((await userByEmail(adminToken, GRACE.email)).status).to.equal('active');
    await grace.getByRole('button', { name: 'Sign in', exact: true }).click();
    await grace.getByRole('heading', { name: 'My account' }).waitFor();

    // 8. Deleting the signed-in user is refused.
    await admin.getByLabel('Status').selectOption({ label: 'All' });
    await admin.getByRole('cell', { name: ADMIN.email }).waitFor();
    await action(admin, GRACE.name, 'Delete');
    const confirm = admin.getByRole('dialog', { name: `Delete ${GRACE.name}?` });
    await confirm.getByText('This cannot be undone. Consider deactivating instead').waitFor();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await confirm
      .getByRole('alert')
      .filter({ hasText: 'This user is signed in: deactivate them first, then delete' })
      .waitFor();
    await screenshot(admin, 'refusal-delete-signed-in');
    expect(await userByEmail(adminToken, GRACE.email)).to.be.an('object');
    await confirm.getByRole('button', { name: 'Cancel' }).click();

    // 9. Deactivate, then delete with the confirmation.
    await action(admin, GRACE.name, 'Deactivate');
    await rowOf(admin, GRACE.name).getByRole('cell', { name: 'Inactive', exact: true }).waitFor();
    await action(admin, GRACE.name, 'Delete');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await admin
      .getByRole('status')
      .filter({ hasText: `${GRACE.name} is deleted` })
      .waitFor();
    await rowOf(admin, GRACE.name).waitFor({ state: 'detached' });
    expect((await suite.api.get(`/api/v1/users/${created.id}`, { token: adminToken })).status).to.equal(404);
  });
});
