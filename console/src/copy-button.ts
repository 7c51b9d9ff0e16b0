// A button that copies a secret to the clipboard and says so (the text never goes to storage).

import { h } from './dom.js';

export function copyButton(getText: () => string, label = 'Copy'): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'secondary' }, label);
  let timer: number | undefined;
  button.addEventListener('click', async () => {
    let copied: boolean;
    try {
      await navigator.clipboard.writeText(getText());
      copied = true;
    } catch {
      copied = false;
    }
    button.textContent = copied ? 'Copied' : 'Copy failed: select the text and copy it';
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      button.textContent = label;
    }, 2000);
  });
  return button;
}
