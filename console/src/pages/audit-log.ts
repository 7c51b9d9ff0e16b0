// Settings → Audit log: who did what to whom, newest first, paged by cursor.

// Until console/src/page.ts lands, the same type as its PageRenderer.
type PageRenderer = (root: HTMLElement, ctx: unknown) => void | Promise<void>;

export const renderAuditLog: PageRenderer = (root) => {
  root.replaceChildren();
  const heading = document.createElement('h1');
  heading.textContent = 'Audit log';
  root.append(heading);
};
