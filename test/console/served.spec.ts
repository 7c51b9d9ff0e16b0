import { expect } from 'chai';
import { client, type Client } from '../support/http.js';
import { startConsoleServer } from './support/browser.js';
import type { TestServer } from '../support/server.js';

// How the service serves its console: / → /admin, the shell on every route of the page, its
// assets with their types, and headers that let nothing but the service's own files run.

describe('console: what /admin serves', function () {
  this.timeout(60_000);
  let server: TestServer;
  let api: Client;
  before(async () => {
    server = await startConsoleServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('redirects / to /admin (302)', async () => {
    const reply = await api.get('/');
    expect(reply.status).to.equal(302);
    expect(reply.headers.get('location')).to.equal('/admin');
  });

  it('answers the shell at /admin and at any /admin/... route without a file extension', async () => {
    for (const path of ['/admin', '/admin/', '/admin/settings/users', '/admin/account']) {
      const reply = await api.get(path);
      expect(reply.status, path).to.equal(200);
      expect(reply.headers.get('content-type'), path).to.match(/^text\/html/);
      expect(reply.text, path).to.include('<script type="module" src="/admin/assets/main.js"></script>');
    }
    expect((await api.get('/admin/favicon.png')).status).to.equal(404);
    expect((await api.get('/admin/assets/nothing-here.js')).status).to.equal(404);
  });

  it('sends a strict CSP (self only, no inline script, no framing), nosniff and a Cache-Control', async () => {
    for (const path of ['/admin', '/admin/assets/main.js', '/admin/assets/console.css']) {
      const reply = await api.get(path);
      expect(reply.status, path).to.equal(200);
      const csp = reply.headers.get('content-security-policy') ?? '';
      const directives = new Map(
        csp.split(';').map((d) => {
          const [name, ...values] = d.trim().split(/\s+/);
          return [name!, values];
        }),
      );
      expect(directives.get('default-src'), path).to.deep.equal(["'self'"]);
      expect(directives.get('script-src'), path).to.deep.equal(["'self'"]);
      expect(directives.get('frame-ancestors'), path).to.deep.equal(["'none'"]);
      expect(csp, path).not.to.match(/unsafe-inline|unsafe-eval|https?:/);
      expect(reply.headers.get('x-content-type-options'), path).to.equal('nosniff');
      expect(reply.headers.get('cache-control'), path).to.equal('no-cache');
    }
  });

  it('serves the scripts as JavaScript and the styles as CSS, and nothing from elsewhere', async () => {
    const script = await api.get('/admin/assets/main.js');
    expect(script.headers.get('content-type')).to.match(/^text\/javascript/);
    const css = await api.get('/admin/assets/console.css');
    expect(css.headers.get('content-type')).to.match(/^text\/css/);
    const shell = await api.get('/admin');
    for (const text of [shell.text, css.text, script.text]) {
      expect(text).not.to.match(/(src|href)=["']?(https?:)?\/\//);
      expect(text).not.to.match(/@import|url\(\s*["']?https?:/);
      expect(text).not.to.match(/<script>(?!<\/script>)/);
    }
  });

  it('GET /auth/methods tells the page what to offer, to anyone', async () => {
    const reply = await api.get('/auth/methods');
    expect(reply.status).to.equal(200);
    expect(reply.body).to.deep.equal({
      password: true,
      saml: false,
      setupRequired: true,
      passwordMinLength: 12,
      publicUrl: server.config.publicUrl,
    });
    expect(reply.headers.get('cache-control')).to.equal('no-store');
  });
});
