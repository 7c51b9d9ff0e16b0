// A menu button (WAI-ARIA menu pattern): the button opens a role="menu" of menuitems; arrows,
// Home and End move, Enter or Space picks, Escape (or Tab) closes and focus goes back to the button.

import { h } from './dom.js';

export interface MenuItem {
  label: string;
  danger?: boolean;
  select(): void;
}

let openMenu: (() => void) | undefined;

export function menuButton(
  label: string,
  items: () => MenuItem[],
  buttonAttrs: Record<string, unknown> = {},
): HTMLElement {
  const button = h('button', {
    type: 'button',
    class: 'secondary',
    'aria-haspopup': 'menu',
    'aria-expanded': 'false',
    ...buttonAttrs,
  });
  button.textContent = label;
  const wrap = h('div', { class: 'menu-wrap' }, button);
  let menu: HTMLElement | undefined;

  const close = (refocus: boolean) => {
    if (!menu) return;
    menu.remove();
    menu = undefined;
    button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', onOutside, true);
    if (openMenu === closer) openMenu = undefined;
    if (refocus) button.focus();
  };
  const closer = () => close(false);
  const onOutside = (event: Event) => {
    if (!wrap.contains(event.target as Node)) close(false);
  };

  const open = (focusLast = false) => {
    openMenu?.();
    const entries = items().map((item) =>
      h(
        'li',
        {
          role: 'menuitem',
          tabindex: '-1',
          class: item.danger ? 'danger' : null,
          onclick: (event: Event) => {
            event.stopPropagation();
            close(true);
            item.select();
          },
        },
        item.label,
      ),
    );
    button.id ||= `menu-button-${Math.random().toString(36).slice(2)}`;
    menu = h('ul', { role: 'menu', 'aria-labelledby': button.id }, ...entries);
    menu.addEventListener('keydown', (event) => {
      const index = entries.indexOf(document.activeElement as HTMLLIElement);
      const move = (to: number) => entries[(to + entries.length) % entries.length]?.focus();
      switch (event.key) {
        case 'ArrowDown':
          move(index + 1);
          break;
        case 'ArrowUp':
          move(index - 1);
          break;
        case 'Home':
          move(0);
          break;
        case 'End':
          move(entries.length - 1);
          break;
        case 'Escape':
          close(true);
          break;
        case 'Tab':
          close(false);
          return;
        case 'Enter':
        case ' ':
          (document.activeElement as HTMLElement | null)?.click();
          break;
        default:
          return;
      }
      event.preventDefault();
      event.stopPropagation();
    });
    wrap.append(menu);
    button.setAttribute('aria-expanded', 'true');
    document.addEventListener('pointerdown', onOutside, true);
    openMenu = closer;
    (focusLast ? entries[entries.length - 1] : entries[0])?.focus();
  };

  button.addEventListener('click', (event) => {
    event.stopPropagation();
    if (menu) close(true);
    else open();
  });
  button.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      open(event.key === 'ArrowUp');
    }
  });
  return wrap;
}
