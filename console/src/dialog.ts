// A modal dialog: labelled by its title, focus moved in on open and back to the opener on close,
// Escape closes, Tab stays inside, and the page behind it is inert.

import { h, uniqueId } from './dom.js';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

const focusables = (root: HTMLElement) =>
  [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (e) => e.offsetParent !== null || e === document.activeElement,
  );

export function openDialog(options: { title: string; body: Node; onClose?: () => void }): {
  close(): void;
  element: HTMLElement;
} {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const titleId = uniqueId('dialog-title');
  const title = h('h2', { id: titleId, class: 'dialog-title' }, options.title);
  const element = h(
    'div',
    { role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId, class: 'dialog', tabindex: '-1' },
    title,
    options.body,
  );
  const backdrop = h('div', { class: 'backdrop' }, element);
  const behind = [...document.body.children].filter((e): e is HTMLElement => e instanceof HTMLElement);
  const wasInert = behind.map((e) => e.inert);
  let closed = false;

  const close = () => {
    if (closed) return;
    closed = true;
    document.removeEventListener('keydown', onKey, true);
    backdrop.remove();
    behind.forEach((e, i) => (e.inert = wasInert[i] ?? false));
    if (opener && opener.isConnected) opener.focus();
    options.onClose?.();
  };

  const onKey = (event: KeyboardEvent) => {
    if (!backdrop.isConnected) return;
    // Only the topmost dialog answers.
    const last = document.body.lastElementChild;
    if (last !== backdrop) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === 'Tab') {
      const items = focusables(element);
      if (items.length === 0) {
        event.preventDefault();
        element.focus();
        return;
      }
      const first = items[0]!;
      const lastItem = items[items.length - 1]!;
      const active = document.activeElement;
      if (event.shiftKey && (active === first || active === element)) {
        event.preventDefault();
        lastItem.focus();
      } else if (!event.shiftKey && active === lastItem) {
        event.preventDefault();
        first.focus();
      } else if (!element.contains(active)) {
        event.preventDefault();
        first.focus();
      }
    }
  };

  behind.forEach((e) => (e.inert = true));
  document.body.append(backdrop);
  document.addEventListener('keydown', onKey, true);
  const autofocus = element.querySelector<HTMLElement>('[autofocus]') ?? focusables(element)[0];
  (autofocus ?? element).focus();
  return { close, element };
}

/** Moves focus to the first control of a dialog's (new) content. */
export function focusFirst(element: HTMLElement): void {
  (element.querySelector<HTMLElement>('[autofocus]') ?? focusables(element)[0] ?? element).focus();
}
