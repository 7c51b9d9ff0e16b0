import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { consoleSuite, screenshot, type ConsoleSuite } from './support/browser.js';
import { setUpAdmin, ADMIN_PASSWORD } from '../support/journeys.js';
import { REDIS_URL } from '../support/redis.js';
import { runCli } from '../cli/run-cli.js';

// Settings → Audit log in Chromium, found by role and accessible name only: each event in words,
// with who acted and from where (admin, scim, cli), and on whom; paged by the API's cursor.

const PAGE = 25;

async function openAuditLog(suite: ConsoleSuite, options?: { width?: number }): Promise<Page> {
  const page = await suite.page(options);
  await page.goto('/admin');
  await page.getByLabel('Email').fill('root@corp.test');
  await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
  await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
  await page.getByRole('table').waitFor();
  return page;
}

/** The table's rows as [when, who, what, on whom] texts. */
const rowsOf = (page: Page) =>
  page
    .getByRole('table')
    .getByRole('row')
    .evaluateAll((rows) =>
      rows
        .filter((r) => r.querySelector('td'))
        .map((r) => [...r.querySelectorAll('td')].map((td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim())),
    );

describe('console: Settings → Audit log in Chromium @slow', function () {
  this.timeout(120_000);
  const suite = consoleSuite();
  let adminToken: string;
  const as = () => ({ token: adminToken });

  before(async function () {
    this.timeout(60_000);
    adminToken = (await setUpAdmin(suite.api)).token;
    // An admin creates and deactivates Grace.
    const grace = await suite.api.post(
      '/api/v1/users',
      { name: 'Grace Hopper', email: 'grace@corp.test', role: 'user' },
      as(),
    );
    expect(grace.status, grace.text).to.equal(201);
    expect((await suite.api.post(`/api/v1/users/${grace.body.user.id}/deactivate`, undefined, as())).status).to.equal(
      200,
    );
    // An IdP provisions Linus over SCIM and deactivates him.
    const token = await suite.api.post('/api/v1/scim-tokens', { name: 'Okta' }, as());
    const scim = { token: token.body.token as string, headers: { 'content-type': 'application/scim+json' } };
    const linus = await suite.api.post(
      '/scim/v2/Users',
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'linus@corp.test',
        name: { givenName: 'Linus', familyName: 'Torvalds' },
        emails: [{ value: 'linus@corp.test', primary: true }],
        active: true,
      },
      scim,
    );
    expect(linus.status, linus.text).to.equal(201);
    const patch = await suite.api.patch(
      `/scim/v2/Users/${linus.body.id}`,
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', value: { active: false } }],
      },
      scim,
    );
    expect(patch.status, patch.text).to.equal(200);
    // An operator deactivates Ada from the command line.
    expect(
      (await suite.api.post('/api/v1/users', { name: 'Ada Byron', email: 'ada@corp.test', role: 'user' }, as())).status,
    ).to.equal(201);
    const cli = await runCli(['users', 'deactivate', 'ada@corp.test'], {
      REDIS_URL,
      REDIS_PREFIX: suite.server.config.redis.prefix,
    });
    expect(cli.code, cli.stderr).to.equal(0);
  });

  it('shows when, who with the source, what in words, and on whom', async () => {
    const page = await openAuditLog(suite);
    const headers = await page.getByRole('columnheader').allTextContents();
    expect(headers).to.deep.equal(['When', 'Who', 'What', 'On whom']);
    const rows = await rowsOf(page);
    const find = (what: string, whom: string) => rows.find((r) => r[2] === what && (r[3] ?? '').startsWith(whom));

    const byAdmin = find('Deactivated user', 'Grace Hopper');
    expect(byAdmin, JSON.stringify(rows)).to.not.equal(undefined);
    expect(byAdmin![1]).to.equal('Root Admin source: admin');
    expect(find('Created user', 'Grace Hopper')![1]).to.equal('Root Admin source: admin');
    // The IdP's change: source scim (its actor named by the token where the service records it).
    const byIdp = find('Deactivated user', 'Linus Torvalds');
    expect(byIdp, JSON.stringify(rows)).to.not.equal(undefined);
    expect(byIdp![1]).to.match(/^(Okta|Identity provider) source: scim$/);
    expect(find('Created user', 'Linus Torvalds')![1]).to.match(/source: scim$/);
    expect(find('Deactivated user', 'Ada Byron')![1]).to.equal('Command line source: cli');
    expect(find('Created SCIM token', 'Okta')![1]).to.equal('Root Admin source: admin');
    // Readable dates, not ISO stamps; and no raw action codes anywhere.
    expect(byAdmin![0]).to.match(/\d{4}/);
    expect(byAdmin![0]).not.to.match(/T\d\d:/);
    expect(JSON.stringify(rows)).not.to.match(/user\.deactivated|admin-api|scim_token\./);

    // The same events, through the API: the page shows what the service recorded.
    const events = (await suite.api.get('/api/v1/audit?limit=50', as())).body.events as any[];
    const deactivations = events.filter((e) => e.action === 'user.deactivated');
    expect(deactivations.map((e) => [e.targetName, e.source])).to.deep.equal([
      ['Ada Byron', 'cli'],
      ['Linus Torvalds', 'scim'],
      ['Grace Hopper', 'admin-api'],
    ]);
    await screenshot(page, 'audit-log');
  });

  it(`pages by the API's cursor: Next and Previous, ${PAGE} events a page, from the keyboard`, async () => {
    // More events than a page: each promotion and demotion of Grace is one.
    const grace = (await suite.api.get('/api/v1/users?q=grace%40corp.test', as())).body.users[0];
    for (let i = 0; i < 15; i++) {
      for (const role of ['admin', 'user']) {
        expect((await suite.api.patch(`/api/v1/users/${grace.id}`, { role }, as())).status).to.equal(200);
      }
    }
    const page = await openAuditLog(suite);
    // What the API answers now (the page's own sign-in included), a page and the next by its cursor.
    const first = await suite.api.get(`/api/v1/audit?limit=${PAGE}`, as());
    const second = await suite.api.get(`/api/v1/audit?limit=${PAGE}&cursor=${first.body.nextCursor}`, as());
    expect(first.body.events).to.have.length(PAGE);
    const rowsBefore = await rowsOf(page);
    expect(rowsBefore).to.have.length(PAGE);
    expect(rowsBefore[0]![2]).to.equal('Signed in with password');
    expect(rowsBefore[1]![2]).to.equal('Changed role to User');
    expect(rowsBefore[2]![2]).to.equal('Changed role to Admin');
    await page
      .getByRole('status')
      .filter({ hasText: `Page 1: events 1–${PAGE}` })
      .waitFor();
    const previous = page.getByRole('button', { name: 'Previous' });
    const next = page.getByRole('button', { name: 'Next' });
    expect(await previous.isDisabled()).to.equal(true);

    await next.focus();
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: `Page 2: events ${PAGE + 1}–` })
      .waitFor();
    const rowsAfter = await rowsOf(page);
    expect(rowsAfter).to.have.length(second.body.events.length);
    // Page 2 starts where the API's cursor says, and the keyboard stays on a pager button.
    second.body.events.forEach((e: any, n: number) => {
      const whom = e.targetName ?? (e.target ? 'A user no longer in the directory' : '—');
      expect((rowsAfter[n]![3] ?? '').startsWith(whom), `${rowsAfter[n]![3]} is on ${whom}`).to.equal(true);
    });
    expect(await page.evaluate(() => document.activeElement?.textContent)).to.be.oneOf(['Next', 'Previous']);
    await screenshot(page, 'audit-log-page-2');

    await previous.click();
    await page
      .getByRole('status')
      .filter({ hasText: `Page 1: events 1–${PAGE}` })
      .waitFor();
    expect(await rowsOf(page)).to.deep.equal(rowsBefore);
  });

  it('stays usable at 390 px: one card per event, nothing wider than the screen', async () => {
    const page = await openAuditLog(suite, { width: 390 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
    await page.getByRole('button', { name: 'Next' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'audit-log-390px');
  });
});
