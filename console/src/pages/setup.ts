// The empty directory: the first admin signs up (name, email, password) with POST /api/v1/setup.

import { api } from '../api.js';
import { h, alertBox, alertList, field } from '../dom.js';
import type { ConsoleContext } from '../page.js';
import { passwordRequirements, refusedRequirements, requirementList } from '../password-rules.js';
import { fieldWord, nameProblem, NAME_HINT } from '../user-fields.js';

export function renderSetup(app: HTMLElement, config: ConsoleContext['config'], onDone: (email: string) => void): void {
  const messages = h('div', { class: 'messages' });
  const nameHint = h('p', { class: 'hint' }, NAME_HINT);
  const name = h('input', { type: 'text', autocomplete: 'name', required: true, maxlength: '256' });
  const email = h('input', { type: 'email', autocomplete: 'email', required: true, maxlength: '320' });
  const password = h('input', { type: 'password', autocomplete: 'new-password', required: true, maxlength: '1024' });
  const list = requirementList(
    passwordRequirements({
      minLength: config.passwordMinLength,
      name: () => name.value,
      email: () => email.value,
      withConfirm: false,
    }),
  );
  list.element.id = 'setup-requirements';
  password.setAttribute('aria-describedby', list.element.id);
  const update = () => list.update(password.value, '');
  for (const input of [name, email, password]) input.addEventListener('input', update);
  name.addEventListener('input', () => {
    const problem = nameProblem(name.value);
    nameHint.textContent = problem ?? NAME_HINT;
    nameHint.classList.toggle('error', problem !== undefined);
    name.setAttribute('aria-invalid', String(problem !== undefined));
  });
  const submit = h('button', { type: 'submit' }, 'Create admin account');
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const problems = [
          nameProblem(name.value),
          email.value.trim() ? undefined : 'Enter an email address.',
          ...list.failed(password.value, '').map((r) => `Password: ${r}.`),
        ].filter((p): p is string => p !== undefined);
        if (problems.length > 0) {
          messages.replaceChildren(alertList('Please fix these first:', problems));
          return;
        }
        submit.disabled = true;
        const result = await api('POST', '/api/v1/setup', {
          name: name.value,
          email: email.value.trim(),
          password: password.value,
        });
        submit.disabled = false;
        if (result.ok) {
          onDone(email.value.trim());
          return;
        }
        const named = refusedRequirements(result.errors);
        messages.replaceChildren(
          result.errors && result.errors.length > 0
            ? alertList(
                'The account was not created:',
                (result.errors ?? []).map((e, i) => `${fieldWord(e.field)}: ${named[i]}`),
              )
            : alertBox(result.message),
        );
      },
    },
    field('Name', name, nameHint),
    field('Email', email),
    field('Password', password),
    list.element,
    h('div', { class: 'actions' }, submit),
  );
  app.replaceChildren(
    h(
      'main',
      { class: 'auth-page' },
      h(
        'div',
        { class: 'card' },
        h('h1', null, 'Set up Rune'),
        h('p', null, 'No one has an account yet. Create the first admin: you will sign in with it.'),
        messages,
        form,
      ),
    ),
  );
  name.focus();
}
