// Settings → SCIM tokens: the bearer tokens identity providers provision users with. A new token is
// shown once, in the dialog that created it, and is never kept: not in storage, not after closing.

import { api } from '../api.js';
import { copyButton } from '../copy-button.js';
import { openDialog, focusFirst } from '../dialog.js';
import { h, alertBox, field, statusBox } from '../dom.js';
import type { PageRenderer } from '../page.js';
import { renderConnection } from './scim-tokens-connection.js';

interface ScimToken {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

const NAME_MAX = 100;
const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const when = (iso: string | null): Node =>
  iso ? h('time', { datetime: iso }, DATE.format(new Date(iso))) : document.createTextNode('Never');

export const renderScimTokens: PageRenderer = async (root, ctx) => {
  const messages = h('div', { class: 'messages' });
  const tableArea = h('div', { 'aria-busy': 'true' });
  const listHeading = h('h2', { id: 'tokens-heading', tabindex: '-1' }, 'Tokens');
  const createButton = h('button', { type: 'button', onclick: () => openCreate() }, 'Create token');

  const say = (node: HTMLElement) => messages.replaceChildren(node);

  async function refresh(): Promise<void> {
    tableArea.setAttribute('aria-busy', 'true');
    const reply = await api<{ tokens: ScimToken[] }>('GET', '/api/v1/scim-tokens');
    tableArea.setAttribute('aria-busy', 'false');
    if (!reply.ok) {
      tableArea.replaceChildren(alertBox(`The tokens could not be listed: ${reply.message}`));
      return;
    }
    const tokens = reply.data.tokens;
    if (tokens.length === 0) {
      tableArea.replaceChildren(
        h('p', { class: 'empty' }, 'No SCIM tokens yet. Create one for each identity provider that provisions users.'),
      );
      return;
    }
    tableArea.replaceChildren(
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'tokens', 'aria-labelledby': 'tokens-heading' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, 'Name'),
              h('th', { scope: 'col' }, 'Created'),
              h('th', { scope: 'col' }, 'Last used'),
              h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
            ),
          ),
          h('tbody', null, ...tokens.map(row)),
        ),
      ),
    );
  }

  function row(token: ScimToken): HTMLElement {
    const revoke = h(
      'button',
      { type: 'button', class: 'secondary', 'aria-label': `Revoke ${token.name}`, onclick: () => confirmRevoke(token) },
      'Revoke',
    );
    return h(
      'tr',
      null,
      h('td', { 'data-label': 'Name' }, token.name),
      h('td', { 'data-label': 'Created' }, when(token.createdAt)),
      h('td', { 'data-label': 'Last used' }, when(token.lastUsedAt)),
      h('td', { class: 'row-actions' }, revoke),
    );
  }

  function openCreate(): void {
    messages.replaceChildren();
    const input = h('input', {
      type: 'text',
      name: 'name',
      required: true,
      maxlength: String(NAME_MAX),
      autocomplete: 'off',
      autofocus: true,
    });
    const hint = h(
      'p',
      { class: 'hint' },
      `What the token is for, e.g. “Okta” or “Entra ID”: 1–${NAME_MAX} characters.`,
    );
    const problems = h('div');
    const submit = h('button', { type: 'submit' }, 'Create token');
    const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel');
    const form = h(
      'form',
      { novalidate: true },
      problems,
      field('Name', input, hint),
      h('div', { class: 'actions' }, cancel, submit),
    );
    // The token lives only in this closure and the dialog's DOM; both go when the dialog closes.
    let created = false;
    const dialog = openDialog({
      title: 'Create SCIM token',
      body: form,
      onClose: () => {
        if (created) void refresh();
      },
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const name = input.value.trim();
      if (name.length < 1 || name.length > NAME_MAX) {
        input.setAttribute('aria-invalid', 'true');
        problems.replaceChildren(alertBox(`Name: give the token a name of 1–${NAME_MAX} characters.`));
        input.focus();
        return;
      }
      input.removeAttribute('aria-invalid');
      submit.disabled = true;
      const reply = await api<{ id: string; name: string; token: string }>('POST', '/api/v1/scim-tokens', { name });
      submit.disabled = false;
      if (!reply.ok) {
        const fields = reply.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
        problems.replaceChildren(alertBox(fields ? `${reply.message} (${fields})` : reply.message));
        input.focus();
        return;
      }
      created = true;
      showOnce(dialog, reply.data.name, reply.data.token);
    });
  }

  function showOnce(dialog: { close(): void; element: HTMLElement }, name: string, token: string): void {
    const done = h('button', { type: 'button', onclick: () => dialog.close() }, 'Done');
    const shown = h('input', {
      type: 'text',
      readonly: true,
      value: token,
      autocomplete: 'off',
      spellcheck: 'false',
      id: 'scim-token-value',
      class: 'secret-value',
      'aria-describedby': 'scim-token-warning',
    });
    shown.addEventListener('focus', () => shown.select());
    const body = h(
      'div',
      { class: 'shown-once' },
      h('p', null, `The token for “${name}”. Paste it into your identity provider as the bearer token.`),
      h(
        'div',
        { class: 'secret' },
        h('label', { for: shown.id, class: 'visually-hidden' }, 'SCIM token'),
        shown,
        copyButton(() => token),
      ),
      h(
        'p',
        { class: 'warning', id: 'scim-token-warning' },
        h('strong', null, 'Important: '),
        'This token is only shown once. Copy it now: it cannot be shown again. If it is lost, create a new one and revoke this one.',
      ),
      h('div', { class: 'actions' }, done),
    );
    const title = dialog.element.querySelector('.dialog-title');
    if (title) title.textContent = 'SCIM token created';
    dialog.element.querySelector('form')?.replaceWith(body);
    focusFirst(dialog.element);
  }

  function confirmRevoke(token: ScimToken): void {
    const problems = h('div');
    const confirm = h('button', { type: 'button', class: 'danger' }, 'Revoke token');
    const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel');
    let revoked = false;
    const dialog = openDialog({
      title: 'Revoke SCIM token?',
      body: h(
        'div',
        null,
        problems,
        h(
          'p',
          null,
          `“${token.name}” stops working at once: the identity provider that uses it is refused until it is given a new token. This cannot be undone.`,
        ),
        h('div', { class: 'actions' }, cancel, confirm),
      ),
      onClose: () => {
        if (!revoked) return;
        // The row (and the button that opened this) is gone: focus goes to the list.
        void refresh().then(() => listHeading.focus());
      },
    });
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      const reply = await api<void>('DELETE', `/api/v1/scim-tokens/${encodeURIComponent(token.id)}`);
      confirm.disabled = false;
      // Already gone (another admin, the CLI): the outcome is the one asked for.
      if (!reply.ok && reply.status !== 404) {
        problems.replaceChildren(alertBox(reply.message));
        return;
      }
      revoked = true;
      say(statusBox(`Revoked the SCIM token “${token.name}”.`));
      dialog.close();
    });
  }

  root.replaceChildren(
    h('div', { class: 'page-head' }, h('h1', null, 'SCIM tokens'), createButton),
    h(
      'p',
      null,
      'Identity providers such as Okta and Microsoft Entra ID create, update and deactivate users over SCIM with a bearer token. ' +
        'Each token is shown once, when it is created, and is stored only as a hash.',
    ),
    messages,
    listHeading,
    tableArea,
  );
  const [connection] = await Promise.all([renderConnection(ctx), refresh()]);
  root.append(connection);
};
