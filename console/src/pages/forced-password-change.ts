// After a sign-in with a temporary password: New password, Confirm password, Change password.
// Nothing else of the console is drawn until it is done (the service refuses everything else too).

import { api } from '../api.js';
import { h } from '../dom.js';
import type { ConsoleContext } from '../page.js';
import { passwordForm } from '../password-form.js';
import { signOut } from '../session.js';

export function renderForcedPasswordChange(
  app: HTMLElement,
  ctx: Pick<ConsoleContext, 'me' | 'config'>,
  onDone: () => void,
): void {
  const { form, first } = passwordForm({
    minLength: ctx.config.passwordMinLength,
    name: () => ctx.me.name,
    email: () => ctx.me.email,
    withCurrent: false,
    submitLabel: 'Change password',
    send: (input) => api('POST', '/auth/password', { newPassword: input.newPassword }),
    onDone,
  });
  app.replaceChildren(
    h(
      'main',
      { class: 'auth-page' },
      h(
        'div',
        { class: 'card' },
        h('h1', null, 'Change your password'),
        h(
          'p',
          null,
          `You signed in as ${ctx.me.email ?? ctx.me.name} with a temporary password. Choose your own password to continue.`,
        ),
        form,
        h(
          'p',
          { class: 'aside' },
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              onclick: async () => {
                await signOut();
                location.reload();
              },
            },
            'Sign out',
          ),
        ),
      ),
    ),
  );
  first.focus();
}
