// The password requirements as the page shows them, checked as the user types. The service checks
// them again (and the common-password list, which only it holds) when the form is sent.

import { h } from './dom.js';

export const PASSWORD_MAX = 128;
const WORD = /\p{L}+|\p{N}+/gu;
const wordsOf = (text: string): string[] => text.match(WORD) ?? [];

// The service's context-word rule (src/auth/password-policy.ts): a word of 4+ characters of the
// name or the email's local part anywhere in the password, a 3-character one only as a whole word.
function containsWordOf(password: string, context: string[]): boolean {
  const lower = password.normalize('NFKC').toLowerCase();
  const words = wordsOf(lower);
  return context.some((word) => {
    const length = [...word].length;
    if (length < 3) return false;
    return length >= 4 ? lower.includes(word) : words.includes(word);
  });
}

export interface Requirement {
  id: string;
  text: string;
  /** undefined: only the service can tell (checked when the form is sent). */
  met(password: string, confirm: string): boolean | undefined;
}

export function passwordRequirements(options: {
  minLength: number;
  name?: () => string;
  email?: () => string | null;
  withConfirm: boolean;
}): Requirement[] {
  const length = (p: string) => [...p.normalize('NFKC')].length;
  const nameWords = () => wordsOf((options.name?.() ?? '').normalize('NFKC').toLowerCase());
  const emailWords = () => {
    const local = (options.email?.() ?? '').split('@')[0]?.normalize('NFKC').toLowerCase() ?? '';
    return [local, ...wordsOf(local)];
  };
  const list: Requirement[] = [
    { id: 'length', text: `At least ${options.minLength} characters`, met: (p) => length(p) >= options.minLength },
    { id: 'max', text: `At most ${PASSWORD_MAX} characters`, met: (p) => length(p) <= PASSWORD_MAX },
    {
      id: 'context',
      text: 'Does not contain your name or your email address',
      met: (p) => p.length > 0 && !containsWordOf(p, [...nameWords(), ...emailWords()]),
    },
    {
      id: 'common',
      text: 'Not one of the most commonly used passwords (checked when you send it)',
      met: () => undefined,
    },
  ];
  if (options.withConfirm) {
    list.push({ id: 'match', text: 'Both passwords match', met: (p, c) => p.length > 0 && p === c });
  }
  return list;
}

/** The requirement list, updated as the user types; `failed()` names what the page can tell is not met. */
export function requirementList(requirements: Requirement[]): {
  element: HTMLElement;
  update(password: string, confirm: string): void;
  failed(password: string, confirm: string): string[];
} {
  const items = requirements.map((r) => {
    const state = h('span', { class: 'visually-hidden' });
    const li = h(
      'li',
      { 'data-requirement': r.id },
      h('span', { class: 'mark', 'aria-hidden': 'true' }),
      r.text,
      state,
    );
    return { r, li, state };
  });
  const element = h(
    'div',
    { class: 'requirements' },
    h('p', { class: 'requirements-title' }, 'Password requirements'),
    h('ul', null, ...items.map((i) => i.li)),
  );
  const update = (password: string, confirm: string) => {
    const untouched = password === '' && confirm === '';
    for (const { r, li, state } of items) {
      // Nothing typed yet: nothing is failed yet either.
      const met = untouched ? undefined : r.met(password, confirm);
      li.className = met === undefined ? 'pending' : met ? 'met' : 'unmet';
      state.textContent = met === undefined ? '' : met ? ' (met)' : ' (not met)';
    }
  };
  update('', '');
  return {
    element,
    update,
    failed: (password, confirm) => requirements.filter((r) => r.met(password, confirm) === false).map((r) => r.text),
  };
}

/** The service's words for each failed requirement ("must be at least 12 characters (got 5)"), as sentences. */
export function refusedRequirements(errors: { field: string; message: string }[] | undefined): string[] {
  return (errors ?? []).map((e) => {
    const text = e.message.trim();
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;
  });
}
