// What every page of the console is handed: who is signed in, what the service offers, and a way to move.

export interface ConsoleContext {
  /** The signed-in user, as GET /auth/session answers it (its `user`). */
  me: {
    id: string;
    name: string;
    /** Null for an SSO user whose IdP sent no valid address. */
    email: string | null;
    role: 'admin' | 'user';
    /** 'password' or 'sso'. */
    kind: string;
    status: string;
    lastLoginAt: string | null;
  };
  /** From GET /auth/methods. */
  config: {
    samlEnabled: boolean;
    /** PUBLIC_URL: where users and IdPs reach the service (for the SCIM base URL and the SAML URLs). */
    publicUrl: string;
    passwordMinLength: number;
  };
  /** Goes to a hash route, e.g. '#/settings/users'. */
  navigate(route: string): void;
}

export type PageRenderer = (root: HTMLElement, ctx: ConsoleContext) => void | Promise<void>;
