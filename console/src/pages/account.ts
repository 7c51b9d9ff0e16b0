// My account: name, email, role; change password; sign out. Everyone's page, and all a User-role session sees.

import { api } from '../api.js';
import { h, statusBox } from '../dom.js';
import type { PageRenderer } from '../page.js';
import { passwordForm } from '../password-form.js';
import { roleWord } from '../session.js';

export const renderAccount: PageRenderer = (root, ctx) => {
  const { me } = ctx;
  const done = h('div', { class: 'messages' });
  const sso = me.kind === 'sso';
  let form: HTMLFormElement | undefined;
  const passwordSection = sso
    ? h('p', null, 'You sign in through your identity provider (SSO): there is no password to change here.')
    : (form = passwordForm({
        minLength: ctx.config.passwordMinLength,
        name: () => me.name,
        email: () => me.email,
        withCurrent: true,
        submitLabel: 'Change password',
        send: (input) => api('POST', '/auth/password', input),
        onDone: () => {
          done.replaceChildren(statusBox('Your password is changed. Your other sessions are signed out.'));
          form?.reset();
          form?.querySelectorAll('input').forEach((i) => i.dispatchEvent(new Event('input')));
        },
      }).form);
  root.replaceChildren(
    h('h1', null, 'My account'),
    done,
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Name'),
      h('dd', null, me.name),
      h('dt', null, 'Email'),
      h('dd', null, me.email ?? '—'),
      h('dt', null, 'Role'),
      h('dd', null, roleWord(me.role)),
      h('dt', null, 'Sign-in'),
      h('dd', null, sso ? 'SSO (your identity provider)' : 'Email and password'),
    ),
    h('h2', null, 'Change password'),
    passwordSection,
    h('p', { class: 'aside' }, 'To sign out, use Sign out at the top of the page.'),
  );
};
