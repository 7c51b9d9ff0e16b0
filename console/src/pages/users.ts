// Settings → Users (being built).

import { h } from '../dom.js';
import type { PageRenderer } from '../page.js';

export const renderUsers: PageRenderer = (root) => {
  root.replaceChildren(h('h1', null, 'Users'));
};
