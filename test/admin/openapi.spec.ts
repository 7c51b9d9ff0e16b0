import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { CreateUserSchema, UpdateUserSchema, ListUsersQuery } from '../../src/admin/users.schema.js';
import { ChangePasswordSchema, LoginSchema, SetupSchema } from '../../src/auth/auth.schema.js';
import { CreateScimTokenSchema } from '../../src/admin/scim-tokens.schema.js';
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
      return Object.keys(layer.route.methods)
        .filter((m) => m !== '_all')
        .map((m) => `${m.toUpperCase()} ${prefix}${layer.route!.path}`);
    }
    if (layer.handle.stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      return routesOf(layer.handle.stack, prefix + mount);
    }
    return [];
  });
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
type Operation = {
  operationId?: string;
  security?: unknown[];
  responses: Record<string, unknown>;
  requestBody?: { content: Record<string, { schema: { $ref: string } }> };
};

/** Every operation of a document, with its METHOD /path. */
const operationsOf = (doc: { paths: Record<string, Record<string, unknown>> }) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([k]) => METHODS.includes(k))
      .map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op: op as Operation })),
  );

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

/** redocly lint (the recommended rules) on the document as served. */
async function redoclyLint(document: unknown): Promise<LintReport> {
  const dir = await mkdtemp(join(tmpdir(), 'rune-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(document, null, 2));
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
    // rc 1 when there are errors: the report is on stdout either way.
    const { stdout } = await promisify(execFile)('node_modules/.bin/redocly', ['lint', file, '--format=json'], {
      env,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    return JSON.parse(stdout) as LintReport;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// The health checks answer no 4xx (they run before anything that could refuse), so the
// recommended rule operation-4xx-response can only warn about them.
const EXPECTED_WARNINGS = [
  'operation-4xx-response #/paths/~1healthz/get/responses',
  'operation-4xx-response #/paths/~1readyz/get/responses',
];

describe('admin API: OpenAPI document', () => {
  let server: TestServer;
  let document: any;
  before(async () => {
    server = await startTestServer({}, { workers: false });
    document = (await client(server.url).get('/api/v1/openapi.json')).body;
  });
  after(() => server.close());

  it('is served as OpenAPI 3.1 and describes every /api/v1, /auth and health route', async () => {
    const reply = await client(server.url).get('/api/v1/openapi.json');
    expect(reply.status).to.equal(200);
    expect(reply.body.openapi).to.equal('3.1.0');
    const described = new Set(
      Object.entries(reply.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((k) => k !== 'parameters')
          .map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );

    const app = createApp(serverDeps(server.runtime));
    const routes = routesOf((app as unknown as { router: { stack: RouterLayer[] } }).router.stack)
      .filter((r) => / \/(api\/v1|auth)\/| \/(healthz|readyz)$/.test(r))
      // The reference page's script is an asset of GET /api/v1/docs, not an operation.
      .filter((r) => !r.startsWith('GET /api/v1/docs/'))
      .map((r) => r.replace(/:(\w+)/g, '{$1}'));
    expect(routes.length).to.be.greaterThan(10);
    const undocumented = routes.filter((r) => !described.has(r));
    expect(undocumented, 'routes missing from the OpenAPI document').to.deep.equal([]);
    const stale = [...described].filter((d) => !routes.includes(d));
    expect(stale, 'documented routes that do not exist').to.deep.equal([]);
  });

  it('passes redocly lint with no errors, and warns only that the health checks have no 4xx', async function () {
    this.timeout(60_000);
    const report = await redoclyLint(document);
    const errors = report.problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(errors, 'redocly lint errors').to.deep.equal([]);
    const warnings = report.problems
      .filter((p) => p.severity === 'warn')
      .map((p) => `${p.ruleId} ${p.location[0]?.pointer}`);
    expect(warnings).to.deep.equal(EXPECTED_WARNINGS);
  });

  it('names every operation uniquely, documents a 4xx problem on each (but health), and marks the public ones security: []', () => {
    const operations = operationsOf(document);
    const ids = operations.map(({ op }) => op.operationId);
    expect(
      ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id)),
      JSON.stringify(ids),
    ).to.equal(true);
    expect(new Set(ids).size).to.equal(ids.length);
    const without4xx = operations
      .filter(({ op }) => !Object.keys(op.responses).some((status) => /^4/.test(status)))
      .map((o) => o.route);
    expect(without4xx).to.deep.equal(['GET /healthz', 'GET /readyz']);
    const open = operations
      .filter(({ op }) => Array.isArray(op.security) && op.security.length === 0)
      .map((o) => o.route)
      .sort();
    expect(open).to.deep.equal([
      'GET /api/v1/docs',
      'GET /api/v1/openapi.json',
      'GET /auth/methods',
      'GET /healthz',
      'GET /readyz',
      'POST /api/v1/setup',
      'POST /auth/login',
    ]);
    expect(document.security).to.deep.equal([{ bearer: [] }, { cookie: [] }]);
    expect(document.servers).to.deep.equal([{ url: '/', description: 'This service' }]);
  });

  it('documents a 415 on every operation that takes a body, and the 202 of a deactivation with its job and user', () => {
    const withBody = operationsOf(document).filter(({ op }) => op.requestBody);
    expect(withBody.length).to.be.greaterThan(5);
    for (const { route, op } of withBody) expect(op.responses, route).to.include.keys('400', '413', '415');
    const deactivate = document.paths['/api/v1/users/{id}/deactivate'].post.responses['202'];
    expect(deactivate.content['application/json'].schema.required).to.deep.equal(['job', 'user']);
  });

  it('derives each request body and query from the zod schema its route validates with', () => {
    const asSent = (schema: z.ZodType) => {
      const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
        string,
        unknown
      >;
      return rest;
    };
    const bodies: Record<string, [string, z.ZodType]> = {
      'POST /auth/login': ['LoginRequest', LoginSchema],
      'POST /auth/password': ['ChangePasswordRequest', ChangePasswordSchema],
      'POST /api/v1/setup': ['SetupRequest', SetupSchema],
      'POST /api/v1/users': ['CreateUserRequest', CreateUserSchema],
      'PATCH /api/v1/users/{id}': ['UpdateUserRequest', UpdateUserSchema],
      'POST /api/v1/scim-tokens': ['CreateScimTokenRequest', CreateScimTokenSchema],
    };
    const withBody = operationsOf(document).filter(({ op }) => op.requestBody);
    expect(withBody.map((o) => o.route).sort()).to.deep.equal(Object.keys(bodies).sort());
    for (const { route, op } of withBody) {
      const [name, schema] = bodies[route]!;
      expect(op.requestBody!.content['application/json']!.schema.$ref, route).to.equal(`#/components/schemas/${name}`);
      expect(document.components.schemas[name], name).to.deep.equal(asSent(schema));
    }
    expect(document.components.schemas.CreateUserRequest.required).to.deep.equal(['name', 'email', 'role']);
    const listed = document.paths['/api/v1/users'].get.parameters.map((p: { name: string }) => p.name);
    expect(listed).to.deep.equal(Object.keys(ListUsersQuery.shape));
  });
});
