// The dialogs of Settings → Users: Create User (then its temporary password, shown once), Edit
// (Role + Save), and the confirmation of Delete.

import { api } from '../api.js';
import { copyButton } from '../copy-button.js';
import { focusFirst, openDialog } from '../dialog.js';
import { h, alertBox, alertList, field } from '../dom.js';
import { roleWord } from '../session.js';
import { fieldWord, nameProblem, NAME_HINT } from '../user-fields.js';

export interface ListedUser {
  id: string;
  name: string;
  email: string | null;
  role: 'admin' | 'user';
  status: 'active' | 'inactive';
  kind: string;
  lastLoginAt: string | null;
  activeSessions: number;
  mustChangePassword: boolean;
}

const roleSelect = (value: string) =>
  h(
    'select',
    { name: 'role' },
    h('option', { value: 'user', selected: value === 'user' }, 'User'),
    h('option', { value: 'admin', selected: value === 'admin' }, 'Admin'),
  );

const refusalOf = (result: { message: string; errors?: { field: string; message: string }[] }) =>
  result.errors && result.errors.length > 0
    ? alertList(
        'Please fix these:',
        result.errors.map((e) => `${fieldWord(e.field)}: ${e.message}.`),
      )
    : alertBox(result.message);

/** Create User: Name (3–40, checked as typed), Email, Role; then the temporary password, once. */
export function openCreateUser(onCreated: (user: ListedUser) => void): void {
  const messages = h('div', { class: 'messages' });
  const nameHint = h('p', { class: 'hint' }, NAME_HINT);
  const name = h('input', { type: 'text', name: 'name', autocomplete: 'off', maxlength: '256', required: true });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'off', maxlength: '320', required: true });
  const role = roleSelect('user');
  const checkName = () => {
    const problem = name.value === '' ? undefined : nameProblem(name.value);
    nameHint.textContent = problem ?? NAME_HINT;
    nameHint.classList.toggle('error', problem !== undefined);
    name.setAttribute('aria-invalid', String(problem !== undefined));
  };
  name.addEventListener('input', checkName);
  const submit = h('button', { type: 'submit' }, 'Create User');
  const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel');
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const problems = [
          nameProblem(name.value),
          email.value.trim() ? undefined : 'Enter the email address the user will sign in with.',
        ].filter((p): p is string => p !== undefined);
        if (problems.length > 0) {
          checkName();
          messages.replaceChildren(
            problems.length === 1 ? alertBox(problems[0]!) : alertList('Please fix these:', problems),
          );
          (nameProblem(name.value) ? name : email).focus();
          return;
        }
        submit.disabled = true;
        const result = await api<{ user: ListedUser; temporaryPassword: string }>('POST', '/api/v1/users', {
          name: name.value,
          email: email.value.trim(),
          role: role.value,
        });
        submit.disabled = false;
        if (!result.ok) {
          messages.replaceChildren(refusalOf(result));
          return;
        }
        onCreated(result.data.user);
        showTemporaryPassword(result.data.user, result.data.temporaryPassword);
      },
    },
    messages,
    field('Name', name, nameHint),
    field('Email', email),
    field('Role', role),
    h('div', { class: 'actions' }, cancel, submit),
  );
  const body = h('div', null, form);
  const dialog = openDialog({ title: 'Create User', body });

  // The password lives in this dialog's DOM only: closed, it is gone (never stored, never fetched again).
  const showTemporaryPassword = (user: ListedUser, temporaryPassword: string) => {
    let secret: string | undefined = temporaryPassword;
    const shown = h('input', {
      type: 'text',
      readonly: true,
      value: temporaryPassword,
      autocomplete: 'off',
      spellcheck: 'false',
      id: 'temporary-password',
      class: 'secret-value',
      'aria-describedby': 'temporary-password-warning',
    });
    shown.addEventListener('focus', () => shown.select());
    body.replaceChildren(
      h('p', { role: 'status' }, `${user.name} is created. Temporary password for ${user.email ?? user.name}:`),
      h(
        'div',
        { class: 'secret' },
        h('label', { for: 'temporary-password', class: 'visually-hidden' }, 'Temporary password'),
        shown,
        copyButton(() => secret ?? ''),
      ),
      h(
        'p',
        { class: 'warning', id: 'temporary-password-warning' },
        h('strong', null, 'Important: '),
        'This password is only shown once. Copy it now and send it to the new user with their email address. ',
        'They must choose their own password when they first sign in.',
      ),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            onclick: () => {
              secret = undefined;
              shown.value = '';
              dialog.close();
            },
          },
          'Done',
        ),
      ),
    );
    focusFirst(body);
  };
}

/** Edit: the Role select and Save; the row shows the change at once. */
export function openEditUser(user: ListedUser, meId: string, onSaved: (user: ListedUser) => void): void {
  const messages = h('div', { class: 'messages' });
  const role = roleSelect(user.role);
  const self = user.id === meId;
  const note = self ? h('p', { class: 'hint' }, 'You cannot change your own role; another admin can.') : null;
  if (self) role.disabled = true;
  const save = h('button', { type: 'submit', disabled: self }, 'Save');
  const form = h(
    'form',
    {
      onsubmit: async (event: Event) => {
        event.preventDefault();
        if (role.value === user.role) {
          dialog.close();
          return;
        }
        save.disabled = true;
        const result = await api<{ user: ListedUser }>('PATCH', `/api/v1/users/${encodeURIComponent(user.id)}`, {
          role: role.value,
        });
        save.disabled = false;
        if (!result.ok) {
          messages.replaceChildren(refusalOf(result));
          return;
        }
        onSaved(result.data.user);
        dialog.close();
      },
    },
    messages,
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Name'),
      h('dd', null, user.name),
      h('dt', null, 'Email'),
      h('dd', null, user.email ?? '—'),
    ),
    field('Role', role, note ?? undefined),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'),
      save,
    ),
  );
  const dialog = openDialog({ title: `Edit ${user.name}`, body: form });
}

/** Delete: a confirmation that says it cannot be undone and suggests deactivating instead. */
export function openDeleteUser(user: ListedUser, onDeleted: () => void): void {
  const messages = h('div', { class: 'messages' });
  const confirm = h('button', { type: 'button', class: 'danger' }, 'Delete');
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    const result = await api<void>('DELETE', `/api/v1/users/${encodeURIComponent(user.id)}`);
    confirm.disabled = false;
    if (!result.ok) {
      messages.replaceChildren(alertBox(result.message));
      return;
    }
    dialog.close();
    onDeleted();
  });
  const body = h(
    'div',
    null,
    messages,
    h('p', null, `${user.name} (${user.email ?? roleWord(user.role)}) will be removed from Rune for good.`),
    h(
      'p',
      { class: 'warning' },
      h('strong', null, 'Warning: '),
      'This cannot be undone. Consider deactivating instead if you might restore access later.',
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', autofocus: true, onclick: () => dialog.close() }, 'Cancel'),
      confirm,
    ),
  );
  const dialog = openDialog({ title: `Delete ${user.name}?`, body });
}
