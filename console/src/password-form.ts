// A password form (New password, Confirm password, and Current password when the session must
// prove it), with the requirements listed and updated as the user types. A mismatch or a policy
// failure is an alert that names each failed requirement.

import type { ApiResult, FieldError } from './api.js';
import { h, alertBox, alertList, field } from './dom.js';
import { passwordRequirements, refusedRequirements, requirementList } from './password-rules.js';

export interface PasswordFormOptions {
  minLength: number;
  name: () => string;
  email: () => string | null;
  /** Ask for the current password (a full session changing its own password). */
  withCurrent: boolean;
  submitLabel: string;
  send(input: { newPassword: string; currentPassword?: string }): Promise<ApiResult<unknown>>;
  onDone(): void;
}

const requirementErrors = (errors: FieldError[] | undefined, field: string) =>
  refusedRequirements((errors ?? []).filter((e) => e.field === field || e.field === 'password'));

export function passwordForm(options: PasswordFormOptions): { form: HTMLFormElement; first: HTMLInputElement } {
  const messages = h('div', { class: 'messages' });
  const current = options.withCurrent
    ? h('input', { type: 'password', autocomplete: 'current-password', maxlength: '1024', required: true })
    : null;
  const password = h('input', { type: 'password', autocomplete: 'new-password', maxlength: '1024', required: true });
  const confirm = h('input', { type: 'password', autocomplete: 'new-password', maxlength: '1024', required: true });
  const list = requirementList(
    passwordRequirements({ minLength: options.minLength, name: options.name, email: options.email, withConfirm: true }),
  );
  list.element.id = `requirements-${Math.random().toString(36).slice(2)}`;
  password.setAttribute('aria-describedby', list.element.id);
  const update = () => list.update(password.value, confirm.value);
  password.addEventListener('input', update);
  confirm.addEventListener('input', update);
  const submit = h('button', { type: 'submit' }, options.submitLabel);

  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        if (current && !current.value) {
          messages.replaceChildren(alertBox('Enter your current password.'));
          current.focus();
          return;
        }
        const failed = list.failed(password.value, confirm.value);
        if (failed.length > 0) {
          messages.replaceChildren(alertList('The new password does not meet these requirements:', failed));
          password.focus();
          return;
        }
        submit.disabled = true;
        const result = await options.send({
          newPassword: password.value,
          ...(current ? { currentPassword: current.value } : {}),
        });
        submit.disabled = false;
        if (result.ok) {
          options.onDone();
          return;
        }
        if (result.code === 'password_rejected' || result.code === 'validation_failed') {
          const currentWrong = (result.errors ?? []).some((e) => e.field === 'currentPassword');
          if (currentWrong) {
            messages.replaceChildren(alertBox('The current password is incorrect.'));
            current?.select();
            return;
          }
          const named = requirementErrors(result.errors, 'newPassword');
          messages.replaceChildren(
            named.length > 0
              ? alertList('The new password does not meet these requirements:', named)
              : alertBox(result.message),
          );
          password.focus();
          return;
        }
        messages.replaceChildren(alertBox(result.message));
      },
    },
    messages,
    current ? field('Current password', current) : null,
    field('New password', password),
    field('Confirm password', confirm),
    list.element,
    h('div', { class: 'actions' }, submit),
  );
  return { form, first: current ?? password };
}
