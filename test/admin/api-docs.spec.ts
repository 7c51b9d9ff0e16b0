import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.js';
import { client } from '../support/http.js';

// The reference at /api/v1/docs: Swagger UI from the installed package, pointed at this
// service's document, under a CSP that allows only this origin. (No headless browser here:
// what is checked is what the page loads and that all of it is served from this origin.)

describe('admin API: the reference page at /api/v1/docs', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({}, { workers: false });
  });
  after(() => server.close());

  const srcs = (html: string) => [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);

  it('is an HTML page, without signing in, under a same-origin Content-Security-Policy', async () => {
    const page = await client(server.url).get('/api/v1/docs');
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).to.include("default-src 'self'").and.include("script-src 'self'").and.include("img-src 'self' data:");
    expect(csp).not.to.include('unsafe-eval');
    expect(csp.match(/script-src [^;]*/)![0]).not.to.include('unsafe-inline');
    expect(page.text).to.include('<title>Rune Directory API reference</title>');
  });

  it('loads only scripts and styles of this origin, and no inline script', async () => {
    const page = await client(server.url).get('/api/v1/docs');
    const loaded = srcs(page.text);
    expect(
      loaded.filter((u) => !u.startsWith('/')),
      'anything not of this origin',
    ).to.deep.equal([]);
    expect(page.text.match(/<script>/g), 'inline scripts (the CSP would block them)').to.equal(null);
    for (const url of loaded) {
      const asset = await fetch(`${server.url}${url}`);
      expect(asset.status, url).to.equal(200);
      if (url.startsWith('/api/v1/docs/'))
        expect(asset.headers.get('content-security-policy'), url).to.include("default-src 'self'");
      await asset.arrayBuffer();
    }
    expect(loaded).to.include.members([
      '/api/v1/docs/swagger-ui-bundle.js',
      '/api/v1/docs/swagger-ui.css',
      '/api/v1/docs/initializer.js',
      '/api/v1/openapi.json',
    ]);
  });

  it('points Swagger UI at /api/v1/openapi.json, not at the petstore, and sends the document to no validator', async () => {
    const initializer = await client(server.url).get('/api/v1/docs/initializer.js');
    expect(initializer.status).to.equal(200);
    expect(initializer.headers.get('content-type')).to.match(/javascript/);
    expect(initializer.text).to.include('url: "/api/v1/openapi.json"').and.include('validatorUrl: null');
    expect(initializer.text).not.to.include('petstore');
    // The package's own page and initializer are not served.
    expect((await client(server.url).get('/api/v1/docs/swagger-initializer.js')).status).to.equal(404);
    expect((await client(server.url).get('/api/v1/docs/index.html')).status).to.equal(404);
  });

  it('serves Swagger UI’s bundle with no reference to a CDN or web font', async () => {
    const css = await (await fetch(`${server.url}/api/v1/docs/swagger-ui.css`)).text();
    expect(css).not.to.match(/@import|fonts\.googleapis|url\(["']?https?:/);
    const bundle = await fetch(`${server.url}/api/v1/docs/swagger-ui-bundle.js`);
    expect(bundle.headers.get('content-type')).to.match(/javascript/);
    expect(Number(bundle.headers.get('content-length'))).to.be.greaterThan(500_000);
    await bundle.arrayBuffer();
  });
});
