// Sign-in: Email, Password, Sign in; Sign in with SSO when SAML is configured. Each refusal in words.

import { api, type ApiResult } from '../api.js';
import { h, alertBox, statusBox, field } from '../dom.js';
import type { ConsoleContext } from '../page.js';

const minutes = (seconds: number) => {
  const n = Math.max(1, Math.ceil(seconds / 60));
  return n === 1 ? '1 minute' : `${n} minutes`;
};

/** The words of a refused sign-in. */
export function signInRefusal(result: Extract<ApiResult<unknown>, { ok: false }>): string {
  switch (result.code) {
    case 'invalid_credentials':
      return 'The email or password is incorrect.';
    case 'rate_limited':
      return `Too many attempts. Try again in ${minutes(result.retryAfter ?? 60)}.`;
    case 'validation_failed':
      return 'Enter your email address and your password.';
    default:
      return result.message;
  }
}

export function renderSignIn(
  app: HTMLElement,
  config: ConsoleContext['config'],
  notice: { kind: 'alert' | 'status'; message: string; email?: string } | undefined,
  onSignedIn: () => void,
): void {
  const messages = h('div', { class: 'messages' });
  if (notice) messages.append(notice.kind === 'alert' ? alertBox(notice.message) : statusBox(notice.message));
  const email = h('input', {
    type: 'email',
    name: 'email',
    autocomplete: 'username',
    required: true,
    maxlength: '320',
    value: notice?.email ?? '',
  });
  const password = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'current-password',
    required: true,
    maxlength: '1024',
  });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        if (!email.value.trim() || !password.value) {
          messages.replaceChildren(alertBox('Enter your email address and your password.'));
          (email.value.trim() ? password : email).focus();
          return;
        }
        submit.disabled = true;
        const result = await api<{ mustChangePassword: boolean }>('POST', '/auth/login', {
          email: email.value.trim(),
          password: password.value,
        });
        submit.disabled = false;
        if (result.ok) {
          onSignedIn();
          return;
        }
        messages.replaceChildren(alertBox(signInRefusal(result)));
        password.select();
      },
    },
    field('Email', email),
    field('Password', password),
    h('div', { class: 'actions' }, submit),
  );
  const sso = config.samlEnabled
    ? h(
        'div',
        { class: 'sso' },
        h('p', { class: 'or' }, 'or'),
        h(
          'button',
          { type: 'button', class: 'secondary wide', onclick: () => location.assign('/saml/login') },
          'Sign in with SSO',
        ),
      )
    : null;
  app.replaceChildren(
    h(
      'main',
      { class: 'auth-page' },
      h('div', { class: 'card' }, h('h1', null, 'Sign in to Rune'), messages, form, sso),
    ),
  );
  (email.value ? password : email).focus();
}
