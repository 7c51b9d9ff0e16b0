// The console's entry: asks the service what to show (first-admin setup, sign-in, the forced
// password change, or the console itself) and shows it; a lost session comes back here.

import { h, alertBox } from './dom.js';
import { onSessionLost } from './api.js';
import { getMethods, getSession, type Methods } from './session.js';
import { renderSetup } from './pages/setup.js';
import { renderSignIn } from './pages/sign-in.js';
import { renderForcedPasswordChange } from './pages/forced-password-change.js';
import { renderShell } from './shell.js';
import type { ConsoleContext } from './page.js';

const app = document.getElementById('app')!;
let stopShell: (() => void) | undefined;
let signedIn = false;

export interface BootNotice {
  /** 'alert' for a refusal or a lost session; 'status' for good news. */
  kind: 'alert' | 'status';
  message: string;
  email?: string;
}

const configOf = (methods: Methods): ConsoleContext['config'] => ({
  samlEnabled: methods.saml,
  publicUrl: methods.publicUrl,
  passwordMinLength: methods.passwordMinLength,
});

async function boot(notice?: BootNotice, shellNotice?: string): Promise<void> {
  stopShell?.();
  stopShell = undefined;
  signedIn = false;
  const methods = await getMethods();
  if (!methods.ok) {
    app.replaceChildren(
      h(
        'main',
        { class: 'auth-page' },
        h(
          'div',
          { class: 'card' },
          h('h1', null, 'Rune Directory'),
          alertBox(methods.message),
          h('button', { type: 'button', onclick: () => void boot() }, 'Try again'),
        ),
      ),
    );
    return;
  }
  const config = configOf(methods.data);
  if (methods.data.setupRequired) {
    document.title = 'Set up · Rune Directory';
    renderSetup(app, config, (email) =>
      boot({ kind: 'status', message: 'Your admin account is ready. Sign in with it.', email }),
    );
    return;
  }
  const session = await getSession();
  if (!session.ok) {
    document.title = 'Sign in · Rune Directory';
    const lost = session.code === 'user_inactive' ? { kind: 'alert' as const, message: session.message } : undefined;
    renderSignIn(app, config, notice ?? lost, () => boot());
    return;
  }
  signedIn = true;
  const me = session.data.user;
  if (session.data.session.scope === 'password-change') {
    document.title = 'Change your password · Rune Directory';
    renderForcedPasswordChange(app, { me, config }, () => boot(undefined, 'Your password is changed.'));
    return;
  }
  stopShell = renderShell(app, { me, config }, { notice: shellNotice, onSignedOut: () => void boot() });
}

// Any answer that says the session stopped working (ended, the user deactivated) ends the page.
onSessionLost((code, message) => {
  if (!signedIn) return;
  const words = code === 'unauthenticated' ? 'Your session has ended. Sign in again.' : message;
  void boot({ kind: 'alert', message: words });
});

void boot();
