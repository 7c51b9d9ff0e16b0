// Settings → Audit log: who did what to whom, from which source, newest first, a page at a time
// (the API's cursor: Next follows it, Previous goes back to the cursor the page started from).

import { api } from '../api.js';
import { h, alertBox } from '../dom.js';
import type { PageRenderer } from '../page.js';
import { actionWords, actorWords, sourceWord, targetWords, type AuditEvent } from './audit-words.js';

export const AUDIT_PAGE_SIZE = 25;
const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function row(event: AuditEvent): HTMLElement {
  const target = targetWords(event);
  const email = typeof event.details?.email === 'string' && !target.kind ? event.details.email : undefined;
  return h(
    'tr',
    null,
    h('td', { 'data-label': 'When' }, h('time', { datetime: event.at }, DATE.format(new Date(event.at)))),
    h(
      'td',
      { 'data-label': 'Who' },
      actorWords(event),
      ' ',
      h(
        'span',
        { class: 'badge source' },
        h('span', { class: 'visually-hidden' }, 'source: '),
        sourceWord(event.source),
      ),
    ),
    h('td', { 'data-label': 'What' }, actionWords(event)),
    h(
      'td',
      { 'data-label': 'On whom' },
      target.name,
      target.kind ? ' ' : null,
      target.kind ? h('span', { class: 'badge' }, target.kind) : null,
      email ? h('span', { class: 'aside' }, ` (${email})`) : null,
    ),
  );
}

export const renderAuditLog: PageRenderer = async (root) => {
  const area = h('div', { 'aria-busy': 'true' });
  const position = h('span', { role: 'status' });
  const previous = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Previous');
  const next = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Next');
  const pager = h('div', { class: 'pager' }, position, h('div', null, previous, next));
  // starts[i]: the cursor page i+1 starts from (undefined: the newest events).
  const starts: (string | undefined)[] = [undefined];
  let nextCursor: string | null = null;
  let current = 0;
  let loading = false;

  async function show(pageIndex: number): Promise<void> {
    if (loading) return;
    loading = true;
    area.setAttribute('aria-busy', 'true');
    previous.disabled = next.disabled = true;
    const cursor = starts[pageIndex];
    const query = `limit=${AUDIT_PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const reply = await api<{ events: AuditEvent[]; nextCursor: string | null }>('GET', `/api/v1/audit?${query}`);
    loading = false;
    area.setAttribute('aria-busy', 'false');
    if (!reply.ok) {
      area.replaceChildren(alertBox(`The audit log could not be read: ${reply.message}`));
      previous.disabled = pageIndex === 0;
      next.disabled = nextCursor === null;
      return;
    }
    const { events } = reply.data;
    nextCursor = reply.data.nextCursor;
    starts.length = pageIndex + 1;
    if (nextCursor) starts.push(nextCursor);
    area.replaceChildren(
      events.length === 0
        ? h('p', { class: 'empty' }, 'No events recorded yet.')
        : h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'audit' },
              h('caption', { class: 'visually-hidden' }, 'Audit events, newest first'),
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  h('th', { scope: 'col' }, 'When'),
                  h('th', { scope: 'col' }, 'Who'),
                  h('th', { scope: 'col' }, 'What'),
                  h('th', { scope: 'col' }, 'On whom'),
                ),
              ),
              h('tbody', null, ...events.map(row)),
            ),
          ),
    );
    const first = pageIndex * AUDIT_PAGE_SIZE + 1;
    position.textContent =
      events.length === 0 ? '' : `Page ${pageIndex + 1}: events ${first}–${first + events.length - 1}, newest first`;
    previous.disabled = pageIndex === 0;
    next.disabled = nextCursor === null;
    current = pageIndex;
  }

  const move = async (by: number, from: HTMLButtonElement) => {
    await show(current + by);
    // Keep the keyboard where it was; if that button is now disabled, on the other one.
    const other = from === next ? previous : next;
    (from.disabled ? (other.disabled ? area : other) : from).focus();
  };
  previous.addEventListener('click', () => void move(-1, previous));
  next.addEventListener('click', () => void move(1, next));

  root.replaceChildren(
    h('h1', null, 'Audit log'),
    h(
      'p',
      null,
      'Every change to users, roles, sessions and SCIM tokens, newest first: when, who (and from where: ' +
        'admin, scim, saml, cli, sign-in), what, and on whom.',
    ),
    area,
    pager,
  );
  await show(0);
};
