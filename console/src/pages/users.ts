// Settings → Users: a table of Name, Email, Role, Status and Last login, with a Status filter,
// a search box and cursor paging; Create User, Edit (or a click on the row) and the Actions menu.

import { api } from '../api.js';
import { h, alertBox, statusBox, field } from '../dom.js';
import { menuButton, type MenuItem } from '../menu.js';
import type { PageRenderer } from '../page.js';
import { roleWord, statusWord } from '../session.js';
import { openCreateUser, openDeleteUser, openEditUser, type ListedUser } from './user-dialogs.js';

export const PAGE_SIZE = 25;

interface UserPage {
  users: ListedUser[];
  nextCursor: string | null;
  total: number;
}

const lastLogin = (at: string | null) =>
  at ? new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : 'Never';

export const renderUsers: PageRenderer = async (root, ctx) => {
  const messages = h('div', { class: 'messages' });
  const say = (node: HTMLElement | null) => messages.replaceChildren(...(node ? [node] : []));

  const status = h(
    'select',
    { name: 'status' },
    h('option', { value: '' }, 'All'),
    h('option', { value: 'active' }, 'Active'),
    h('option', { value: 'inactive' }, 'Inactive'),
  );
  const search = h('input', { type: 'search', name: 'q', maxlength: '320', placeholder: 'Name or email' });
  const tbody = h('tbody');
  const caption = h('caption', null, 'Users');
  const table = h(
    'table',
    null,
    caption,
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ...['Name', 'Email', 'Role', 'Status', 'Last login'].map((c) => h('th', { scope: 'col' }, c)),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Edit and actions')),
      ),
    ),
    tbody,
  );
  const summary = h('span', { 'aria-live': 'polite' });
  const previous = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Previous page');
  const next = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Next page');

  // Cursor paging, as the API pages: a stack of the cursors of the pages seen so far.
  let cursors: (string | undefined)[] = [undefined];
  let pageIndex = 0;
  let loading = 0;
  let shown: ListedUser[] = [];

  const load = async () => {
    const mine = ++loading;
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (status.value) query.set('status', status.value);
    if (search.value.trim()) query.set('q', search.value.trim());
    const cursor = cursors[pageIndex];
    if (cursor) query.set('cursor', cursor);
    table.setAttribute('aria-busy', 'true');
    const result = await api<UserPage>('GET', `/api/v1/users?${query}`);
    if (mine !== loading) return;
    table.removeAttribute('aria-busy');
    if (!result.ok) {
      say(alertBox(result.message));
      return;
    }
    const page = result.data;
    shown = page.users;
    cursors = cursors.slice(0, pageIndex + 1);
    if (page.nextCursor) cursors.push(page.nextCursor);
    previous.disabled = pageIndex === 0;
    next.disabled = !page.nextCursor;
    const first = pageIndex * PAGE_SIZE + 1;
    summary.textContent =
      page.total === 0
        ? 'No users match.'
        : `${first}–${first + page.users.length - 1} of ${page.total} ${page.total === 1 ? 'user' : 'users'}`;
    drawRows();
  };

  const drawRows = () => {
    // Keyboard users keep their place: the same button of the same user's new row gets the focus back.
    const active = document.activeElement;
    const wasIn = active instanceof HTMLElement && tbody.contains(active) ? active.closest('tr') : null;
    const keep = wasIn ? { id: wasIn.dataset.userId, label: active?.textContent } : undefined;
    tbody.replaceChildren(
      ...(shown.length === 0
        ? [h('tr', null, h('td', { colspan: '6', class: 'empty' }, 'No users match.'))]
        : shown.map((user) => row(user))),
    );
    if (keep?.id) {
      const again = [...tbody.querySelectorAll<HTMLTableRowElement>('tr')].find((tr) => tr.dataset.userId === keep.id);
      const button = [...(again?.querySelectorAll('button') ?? [])].find((b) => b.textContent === keep.label);
      (button ?? again?.querySelector('button'))?.focus();
    }
  };

  const replaceUser = (user: ListedUser) => {
    shown = shown.map((u) => (u.id === user.id ? user : u));
    drawRows();
  };

  const act = async (user: ListedUser, action: 'deactivate' | 'activate' | 'revoke-sessions') => {
    const result = await api<{ user: ListedUser; sessionsRevoked?: number }>(
      'POST',
      `/api/v1/users/${encodeURIComponent(user.id)}/${action}`,
    );
    if (!result.ok) {
      say(alertBox(result.message));
      return;
    }
    const after = result.data.user;
    const words = {
      deactivate: `${after.name} is deactivated: they cannot sign in, and their sessions have ended.`,
      activate: `${after.name} is active again: they can sign in with their existing password.`,
      'revoke-sessions': `${after.name}'s sessions are revoked: they must sign in again.`,
    }[action];
    say(statusBox(words));
    replaceUser(after);
  };

  const menuItems = (user: ListedUser): MenuItem[] => [
    user.status === 'active'
      ? { label: 'Deactivate', select: () => void act(user, 'deactivate') }
      : { label: 'Activate', select: () => void act(user, 'activate') },
    { label: 'Revoke sessions', select: () => void act(user, 'revoke-sessions') },
    {
      label: 'Delete',
      danger: true,
      select: () =>
        openDeleteUser(user, () => {
          say(statusBox(`${user.name} is deleted.`));
          void load();
        }),
    },
  ];

  const edit = (user: ListedUser) =>
    openEditUser(user, ctx.me.id, (saved) => {
      say(statusBox(`${saved.name} is now ${roleWord(saved.role)}.`));
      replaceUser(saved);
    });

  const row = (user: ListedUser) => {
    const self = user.id === ctx.me.id;
    // Each row's buttons are named Edit and Actions, and described by the user's name.
    const nameId = `user-name-${user.id}`;
    const editButton = h(
      'button',
      { type: 'button', class: 'secondary', 'aria-describedby': nameId, onclick: () => edit(user) },
      'Edit',
    );
    const tr = h(
      'tr',
      {
        'data-user-id': user.id,
        onclick: (event: Event) => {
          if ((event.target as HTMLElement).closest('button, [role="menu"], a')) return;
          edit(user);
        },
      },
      h(
        'th',
        { scope: 'row', 'data-label': 'Name', id: nameId },
        user.name,
        self ? h('span', { class: 'badge' }, 'You') : null,
        user.kind === 'sso'
          ? h('span', { class: 'badge sso', title: 'Signs in through the identity provider' }, 'SSO')
          : null,
      ),
      h('td', { 'data-label': 'Email' }, user.email ?? '—'),
      h('td', { 'data-label': 'Role' }, roleWord(user.role)),
      h(
        'td',
        { 'data-label': 'Status', class: user.status === 'active' ? null : 'status-inactive' },
        statusWord(user.status),
      ),
      h('td', { 'data-label': 'Last login' }, lastLogin(user.lastLoginAt)),
      h(
        'td',
        { class: 'row-actions', onclick: (event: Event) => event.stopPropagation() },
        editButton,
        menuButton('Actions', () => menuItems(user), { 'aria-describedby': nameId }),
      ),
    );
    return tr;
  };

  const restart = () => {
    cursors = [undefined];
    pageIndex = 0;
    void load();
  };
  status.addEventListener('change', restart);
  let typing: number | undefined;
  search.addEventListener('input', () => {
    window.clearTimeout(typing);
    typing = window.setTimeout(restart, 250);
  });
  previous.addEventListener('click', () => {
    pageIndex = Math.max(0, pageIndex - 1);
    void load();
  });
  next.addEventListener('click', () => {
    if (cursors[pageIndex + 1] === undefined) return;
    pageIndex += 1;
    void load();
  });

  root.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, 'Users'),
      h(
        'button',
        {
          type: 'button',
          onclick: () =>
            openCreateUser((user) => {
              say(statusBox(`${user.name} is created.`));
              void load();
            }),
        },
        'Create User',
      ),
    ),
    messages,
    h('div', { class: 'toolbar' }, field('Status', status), field('Search', search)),
    h('div', { class: 'table-wrap' }, table),
    h('div', { class: 'pager' }, summary, h('div', null, previous, next)),
  );
  await load();
};
