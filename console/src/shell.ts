// The signed-in console: a top bar, the navigation (Settings → Users, SCIM tokens, Audit log for
// admins; My account for everyone) and the page of the current hash route.

import { h, statusBox } from './dom.js';
import type { ConsoleContext, PageRenderer } from './page.js';
import { getSession, roleWord, signOut } from './session.js';
import { renderUsers } from './pages/users.js';
import { renderAccount } from './pages/account.js';
import { renderScimTokens } from './pages/scim-tokens.js';
import { renderAuditLog } from './pages/audit-log.js';

interface Route {
  path: string;
  title: string;
  adminOnly: boolean;
  render: PageRenderer;
}

const ROUTES: Route[] = [
  { path: '#/settings/users', title: 'Users', adminOnly: true, render: renderUsers },
  { path: '#/settings/scim-tokens', title: 'SCIM tokens', adminOnly: true, render: renderScimTokens },
  { path: '#/settings/audit-log', title: 'Audit log', adminOnly: true, render: renderAuditLog },
  { path: '#/account', title: 'My account', adminOnly: false, render: renderAccount },
];

export interface ShellOptions {
  /** A line to show above the first page (e.g. "Your password is changed."). */
  notice?: string;
  /** Signed out (by the button): back to the sign-in page. */
  onSignedOut(): void;
}

/** Renders the shell into `app` and routes by location.hash; answers a function that stops it. */
export function renderShell(
  app: HTMLElement,
  ctx: Omit<ConsoleContext, 'navigate'>,
  options: ShellOptions,
): () => void {
  const context: ConsoleContext = {
    ...ctx,
    navigate: (route: string) => {
      if (location.hash === route) void show(true);
      else location.hash = route;
    },
  };
  const main = h('main', { id: 'main', tabindex: '-1' });
  const who = h('span', { class: 'who' });
  const nav = h('nav', { 'aria-label': 'Console' });
  const skip = h(
    'a',
    {
      class: 'skip-link',
      href: '#main',
      onclick: (event: Event) => {
        event.preventDefault();
        main.focus();
      },
    },
    'Skip to content',
  );
  const signOutButton = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: async () => {
        await signOut();
        options.onSignedOut();
      },
    },
    'Sign out',
  );
  const header = h(
    'header',
    { class: 'topbar' },
    h('span', { class: 'brand' }, 'Rune Directory'),
    h('div', { class: 'topbar-end' }, who, signOutButton),
  );
  app.replaceChildren(skip, header, h('div', { class: 'layout' }, nav, main));
  let notice = options.notice;

  const drawNav = (current: string) => {
    const link = (route: Route) =>
      h('li', null, h('a', { href: route.path, 'aria-current': route.path === current ? 'page' : null }, route.title));
    const admin = context.me.role === 'admin';
    nav.replaceChildren(
      ...(admin
        ? [
            h('h2', { class: 'nav-heading', id: 'nav-settings' }, 'Settings'),
            h('ul', { 'aria-labelledby': 'nav-settings' }, ...ROUTES.filter((r) => r.adminOnly).map(link)),
          ]
        : []),
      h('ul', { class: 'nav-own' }, ...ROUTES.filter((r) => !r.adminOnly).map(link)),
    );
    who.textContent = `${context.me.name} (${roleWord(context.me.role)})`;
  };

  let generation = 0;
  const show = async (moveFocus: boolean) => {
    const mine = ++generation;
    // Who is signed in is asked again at each move: a role change or a deactivation shows at once.
    if (moveFocus) {
      const session = await getSession();
      if (!session.ok || mine !== generation) return;
      context.me = session.data.user;
    }
    const admin = context.me.role === 'admin';
    const fallback = admin ? '#/settings/users' : '#/account';
    const route = ROUTES.find((r) => r.path === location.hash && (admin || !r.adminOnly));
    if (!route) {
      history.replaceState(null, '', fallback);
      void show(false);
      return;
    }
    drawNav(route.path);
    document.title = `${route.title} · Rune Directory`;
    const page = h('div', { class: 'page' });
    main.replaceChildren(...(notice ? [statusBox(notice)] : []), page);
    notice = undefined;
    await route.render(page, context);
    if (moveFocus && mine === generation) {
      const heading = main.querySelector<HTMLElement>('h1');
      if (heading) heading.tabIndex = -1;
      (heading ?? main).focus();
    }
  };
  const onHash = () => void show(true);
  window.addEventListener('hashchange', onHash);
  void show(false);
  return () => {
    generation++;
    window.removeEventListener('hashchange', onHash);
  };
}
