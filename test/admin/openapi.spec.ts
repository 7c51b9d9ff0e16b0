import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.js';
import { client } from '../support/http.js';
import { createApp } from '../../src/http/app.js';
import { serverDeps } from '../../src/runtime.js';

interface RouterLayer {
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
}

/** Every METHOD /path the app answers, found by walking its routers. */
function routesOf(stack: RouterLayer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      return Object.keys(layer.route.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${prefix}${layer.route!.path}`);
    }
    if (layer.handle.stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      return routesOf(layer.handle.stack, prefix + mount);
    }
    return [];
  });
}

describe('admin API: OpenAPI document', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({}, { workers: false }); });
  after(() => server.close());

  it('is served as OpenAPI 3.1 and describes every /api/v1 and /auth route', async () => {
    const reply = await client(server.url).get('/api/v1/openapi.json');
    expect(reply.status).to.equal(200);
    expect(reply.body.openapi).to.equal('3.1.0');
    const described = new Set(Object.entries(reply.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item).filter((k) => k !== 'parameters').map((method) => `${method.toUpperCase()} ${path}`)));

    const app = createApp(serverDeps(server.runtime));
    const routes = routesOf((app as unknown as { router: { stack: RouterLayer[] } }).router.stack)
      .filter((r) => / \/(api\/v1|auth)\//.test(r))
      .map((r) => r.replace(/:(\w+)/g, '{$1}'));
    expect(routes.length).to.be.greaterThan(10);
    const undocumented = routes.filter((r) => !described.has(r));
    expect(undocumented, 'routes missing from the OpenAPI document').to.deep.equal([]);
    const stale = [...described].filter((d) => !routes.includes(d));
    expect(stale, 'documented routes that do not exist').to.deep.equal([]);
  });
});
