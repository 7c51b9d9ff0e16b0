// A few DOM helpers: elements built in code (never HTML strings), and the alert box.

export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, unknown> | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value as EventListener);
    } else if (name === 'value' && 'value' in element) {
      (element as HTMLInputElement).value = String(value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** A message people must notice: role="alert", so screen readers announce it. */
export function alertBox(message: string): HTMLElement {
  return h('div', { role: 'alert', class: 'alert' }, message);
}

/** An alert with a lead sentence and a list (each failed requirement, each bad field). */
export function alertList(lead: string, items: string[]): HTMLElement {
  return h(
    'div',
    { role: 'alert', class: 'alert' },
    h('p', null, lead),
    h('ul', null, ...items.map((i) => h('li', null, i))),
  );
}

/** A polite status line (role="status") for things that went well. */
export function statusBox(message: string): HTMLElement {
  return h('div', { role: 'status', class: 'notice' }, message);
}

let ids = 0;
/** A document-unique id for label/aria wiring. */
export const uniqueId = (prefix: string) => `${prefix}-${++ids}`;

/** A labelled form field: <label for> + control (+ a hint tied by aria-describedby). */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement, hint?: HTMLElement): HTMLElement {
  control.id ||= uniqueId('field');
  if (hint) {
    hint.id ||= uniqueId('hint');
    control.setAttribute('aria-describedby', hint.id);
  }
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hint ?? null);
}
