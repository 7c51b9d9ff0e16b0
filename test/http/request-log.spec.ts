import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../config/index.js';
import { client } from '../support/http.js';
import { setUpAdmin } from '../support/journeys.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { samlEnv } from '../saml/support/test-idp.js';

// Issue 10, "Wrong paths in the log" and "Logs": the request log wrote `req.path` (so
// /auth/login was `POST /login`, like /saml/login), and there was no X-Request-Id.

type LogLine = Record<string, any>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const lines = (server: TestServer): LogLine[] => server.logs.map((line) => JSON.parse(line) as LogLine);
const requestLines = (server: TestServer) => lines(server).filter((line) => line.msg === 'request');

/** The request's log line is written on 'finish', which may come just after the reply is read. */
async function requestLineOf(server: TestServer, requestId: string): Promise<LogLine> {
  for (let i = 0; i < 50; i++) {
    const line = requestLines(server).find((entry) => entry.requestId === requestId);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no request line for ${requestId} in:\n${server.logs.join('')}`);
}

describe('http: the request log and X-Request-Id', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(samlEnv(), { workers: false });
  });
  after(() => server.close());

  it('a request with X-Request-Id: abc-123 gets it echoed and it is on the log line', async () => {
    const reply = await client(server.url).get('/api/v1/users', { headers: { 'x-request-id': 'abc-123' } });
    expect(reply.headers.get('x-request-id')).to.equal('abc-123');
    const line = await requestLineOf(server, 'abc-123');
    expect(line).to.include({ method: 'GET', path: '/api/v1/users', status: reply.status });
  });

  it('a request without one gets a generated id, echoed', async () => {
    const reply = await client(server.url).get('/api/v1/users');
    const id = reply.headers.get('x-request-id');
    expect(id).to.match(UUID);
    expect(await requestLineOf(server, id!)).to.include({ path: '/api/v1/users' });
  });

  for (const [what, value] of [
    ['too long', 'a'.repeat(129)],
    ['with spaces and quotes', 'abc "123" x'],
    ['with a line break encoded as text', 'abc%0d%0aforged: line'],
    ['with non-ASCII letters', 'abc-ünï'],
  ] as const) {
    it(`an insane X-Request-Id (${what}) is replaced`, async () => {
      const reply = await client(server.url).get('/api/v1/users', { headers: { 'x-request-id': value } });
      const id = reply.headers.get('x-request-id');
      expect(id).to.match(UUID);
      await requestLineOf(server, id!);
      expect(server.logs.join('')).not.to.include(value);
    });
  }

  it('the log line of POST /auth/login says /auth/login and its route template, and /saml/login says /saml/login', async () => {
    const api = client(server.url);
    await api.post(
      '/auth/login',
      { email: 'nobody@corp.test', password: 'not a password of anyone' },
      { headers: { 'x-request-id': 'login-1' } },
    );
    await api.get('/saml/login?RelayState=%2Freports', { headers: { 'x-request-id': 'saml-1' } });

    expect(await requestLineOf(server, 'login-1')).to.include({
      method: 'POST',
      path: '/auth/login',
      route: '/auth/login',
    });
    // The query string (here a RelayState; elsewhere a SCIM filter naming a person) is never logged.
    expect(await requestLineOf(server, 'saml-1')).to.include({
      method: 'GET',
      path: '/saml/login',
      route: '/saml/login',
    });
  });

  it('a route with a parameter logs the path asked for and the template it matched', async () => {
    const api = client(server.url);
    const admin = await setUpAdmin(api);
    const id = '7d0c6b5e-59f4-4a51-8d8c-6c1a5f6f5f10';
    await api.get(`/api/v1/users/${id}`, { token: admin.token, headers: { 'x-request-id': 'one-user' } });
    expect(await requestLineOf(server, 'one-user')).to.include({
      path: `/api/v1/users/${id}`,
      route: '/api/v1/users/:id',
    });
  });
});

describe('http: the error log line of a failing request', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({}, { workers: false });
  });
  afterEach(() => server.close());

  it('the error log line of a failing request carries the request id', async () => {
    // The email index as a string: setup's script fails inside Redis, an unexpected error (500).
    await server.runtime.redis.set(`{${server.config.redis.prefix}}:idx:email`, 'not a hash');
    const reply = await client(server.url).post(
      '/api/v1/setup',
      { name: 'Root Admin', email: 'root@corp.test', password: 'a long and secret first password' },
      { headers: { 'x-request-id': 'setup-fails' } },
    );
    expect(reply.status, reply.text).to.equal(500);
    expect(reply.headers.get('x-request-id')).to.equal('setup-fails');

    const failure = lines(server).find((line) => line.msg === 'unexpected error');
    expect(failure, server.logs.join('')).to.include({ requestId: 'setup-fails', path: '/api/v1/setup' });
    expect(await requestLineOf(server, 'setup-fails')).to.include({ status: 500 });
  });

  it('a SCIM request that fails unexpectedly logs its request id and full path', async () => {
    const api = client(server.url);
    const admin = await setUpAdmin(api);
    const token = await api.post('/api/v1/scim-tokens', { name: 'okta' }, { token: admin.token });
    expect(token.status, token.text).to.equal(201);
    await server.runtime.redis.set(`{${server.config.redis.prefix}}:idx:email`, 'not a hash');

    const reply = await api.post(
      '/scim/v2/Users',
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'ann@corp.test',
        name: { formatted: 'Ann Smith' },
        emails: [{ value: 'ann@corp.test', primary: true }],
      },
      { token: token.body.token, headers: { 'x-request-id': 'scim-fails', 'content-type': 'application/scim+json' } },
    );
    expect(reply.status, reply.text).to.equal(500);
    const failure = lines(server).find((line) => line.msg === 'unexpected SCIM error');
    expect(failure, server.logs.join('')).to.include({ requestId: 'scim-fails', path: '/scim/v2/Users' });
  });

  it('a SAML sign-in refused deep in the ACS logs its warning with the request id', async () => {
    const saml = await startTestServer(samlEnv(), { workers: false });
    try {
      const reply = await fetch(`${saml.url}/saml/acs`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'acs-refused' },
        body: new URLSearchParams({ SAMLResponse: Buffer.from('<not-saml/>').toString('base64') }).toString(),
      });
      expect(reply.status).to.be.within(400, 499);
      const warning = lines(saml).find((line) => line.msg === 'saml sign-in refused');
      expect(warning, saml.logs.join('')).to.include({ requestId: 'acs-refused', path: '/saml/acs' });
    } finally {
      await saml.close();
    }
  });
});

describe('logs: LOG_FORMAT', () => {
  const run = promisify(execFile);
  // A real process, logging to its stdout (a pipe, not a terminal) through the transport.
  const logFrom = (format: string) =>
    run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `
      import { createLogger } from './src/logger.ts';
      const logger = createLogger('info', undefined, ${JSON.stringify(format)});
      logger.info({ user: { email: 'ann@corp.test', password: 'hunter2 hunter2' } }, 'user signed in');
    `,
      ],
      { cwd: process.cwd(), timeout: 15_000 },
    );

  it('LOG_FORMAT=pretty prints human lines without JSON', async () => {
    const { stdout } = await logFrom('pretty');
    expect(stdout).to.match(/INFO.*user signed in/);
    expect(stdout).not.to.match(/^\{/m);
    expect(stdout).not.to.include('"level"');
    // Redaction holds in this format too.
    expect(stdout).to.include('[redacted]').and.not.include('hunter2');
  });

  it('LOG_FORMAT is auto by default, and a value other than auto, pretty or json stops the start naming it', () => {
    expect(loadConfig({}).logFormat).to.equal('auto');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).to.equal('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'text' })).to.throw(ConfigError, /LOG_FORMAT/);
  });

  it('LOG_FORMAT=json, and auto off a terminal, print one JSON object a line', async () => {
    for (const format of ['json', 'auto']) {
      const { stdout } = await logFrom(format);
      const [line] = stdout
        .trim()
        .split('\n')
        .map((text) => JSON.parse(text) as LogLine);
      expect(line).to.include({ msg: 'user signed in', level: 30 });
      expect(line!.user.password).to.equal('[redacted]');
    }
  });
});
