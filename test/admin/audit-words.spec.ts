import { expect } from 'chai';
import { serverWithAdmin } from '../support/journeys.js';

// GET /api/v1/audit names who acted and on whom, so the console's Audit log reads in words,
// even once the user or SCIM token is gone.

describe('admin API: the audit trail in words', () => {
  const t = serverWithAdmin();
  const as = () => ({ token: t.admin.token });

  it("names the actor and the target, and keeps a deleted user's and a revoked token's names", async () => {
    const created = await t.api.post(
      '/api/v1/users',
      { name: 'Ida Lovelace', email: 'ida@corp.test', role: 'user' },
      as(),
    );
    expect(created.status, created.text).to.equal(201);
    const id = created.body.user.id as string;
    expect((await t.api.post(`/api/v1/users/${id}/deactivate`, undefined, as())).status).to.equal(200);
    expect((await t.api.delete(`/api/v1/users/${id}`, as())).status).to.equal(204);
    const token = await t.api.post('/api/v1/scim-tokens', { name: 'Okta production' }, as());
    expect(token.status).to.equal(201);
    expect((await t.api.delete(`/api/v1/scim-tokens/${token.body.id}`, as())).status).to.equal(204);

    const page = await t.api.get('/api/v1/audit?limit=10', as());
    expect(page.status).to.equal(200);
    const summary = page.body.events.map((e: any) => [e.action, e.actorName, e.source, e.targetName]);
    expect(summary.slice(0, 5)).to.deep.equal([
      ['scim_token.revoked', 'Root Admin', 'admin-api', 'Okta production'],
      ['scim_token.created', 'Root Admin', 'admin-api', 'Okta production'],
      ['user.deleted', 'Root Admin', 'admin-api', 'Ida Lovelace'],
      ['user.deactivated', 'Root Admin', 'admin-api', 'Ida Lovelace'],
      ['user.created', 'Root Admin', 'admin-api', 'Ida Lovelace'],
    ]);
    // The first admin's own setup: no actor (the directory was empty), the admin as the target.
    const setup = page.body.events.find((e: any) => e.action === 'user.created' && e.target === t.admin.id);
    expect(setup).to.include({ actor: null, actorName: null, targetName: 'Root Admin' });
  });

  it("names the deactivated user on every page, not only the one with the user's deletion", async () => {
    const created = await t.api.post(
      '/api/v1/users',
      { name: 'Hedy Lamarr', email: 'hedy@corp.test', role: 'user' },
      as(),
    );
    const id = created.body.user.id as string;
    expect((await t.api.post(`/api/v1/users/${id}/deactivate`, undefined, as())).status).to.equal(200);
    expect((await t.api.post(`/api/v1/users/${id}/activate`, undefined, as())).status).to.equal(200);
    const first = await t.api.get('/api/v1/audit?limit=1', as());
    expect(first.body.events[0]).to.include({ action: 'user.activated', targetName: 'Hedy Lamarr' });
    const second = await t.api.get(`/api/v1/audit?limit=1&cursor=${first.body.nextCursor}`, as());
    expect(second.body.events[0]).to.include({ action: 'user.deactivated', targetName: 'Hedy Lamarr' });
    expect(second.body.events[0].actorName).to.equal('Root Admin');
  });

  it('keeps the names as they were: a deleted user on a page of their own, a renamed user under the old name', async () => {
    const created = await t.api.post(
      '/api/v1/users',
      { name: 'Alan Turing', email: 'alan@corp.test', role: 'user' },
      as(),
    );
    const id = created.body.user.id as string;
    expect((await t.api.post(`/api/v1/users/${id}/deactivate`, undefined, as())).status).to.equal(200);
    expect((await t.api.patch(`/api/v1/users/${id}`, { name: 'Alan M. Turing' }, as())).status).to.equal(200);
    expect((await t.api.delete(`/api/v1/users/${id}`, as())).status).to.equal(204);
    const deletion = await t.api.get('/api/v1/audit?limit=2', as());
    expect(deletion.body.events.map((e: any) => [e.action, e.targetName])).to.deep.equal([
      ['user.deleted', 'Alan M. Turing'],
      ['user.updated', 'Alan M. Turing'],
    ]);
    // The deactivation, alone on its page, with no deletion or creation beside it to borrow a name from.
    const alone = await t.api.get(`/api/v1/audit?limit=1&cursor=${deletion.body.nextCursor}`, as());
    expect(alone.body.events[0]).to.include({
      action: 'user.deactivated',
      targetName: 'Alan Turing',
      actorName: 'Root Admin',
    });
  });
});
