import { expect } from 'chai';
import { client, type Client } from './http.js';
import { startTestServer, type TestServer } from './server.js';

export const ADMIN_PASSWORD = 'correct horse battery staple';

/** Runs first-admin setup and signs the admin in; answers their bearer token and id. */
export async function setUpAdmin(api: Client, email = 'root@corp.test', name = 'Root Admin') {
  const setup = await api.post('/api/v1/setup', { name, email, password: ADMIN_PASSWORD });
  expect(setup.status, setup.text).to.equal(201);
  const login = await api.post('/auth/login', { email, password: ADMIN_PASSWORD });
  expect(login.status, login.text).to.equal(200);
  return { token: login.body.token as string, id: setup.body.user.id as string, email };
}

/** An admin creates a user; the user changes the temporary password; answers the user's token. */
export async function onboardUser(
  api: Client,
  adminToken: string,
  input: { name: string; email: string; role?: string },
  password: string,
) {
  const created = await api.post('/api/v1/users', { role: 'user', ...input }, { token: adminToken });
  expect(created.status, created.text).to.equal(201);
  const first = await api.post('/auth/login', { email: input.email, password: created.body.temporaryPassword });
  expect(first.status, first.text).to.equal(200);
  const changed = await api.post('/auth/password', { newPassword: password }, { token: first.body.token });
  expect(changed.status, changed.text).to.equal(200);
  return { id: created.body.user.id as string, token: first.body.token as string };
}

/**
 * Registers mocha hooks for a suite: a real server (see startTestServer) whose first admin is
 * set up and signed in before the suite's tests, and closed after them. `eachTest`: a new server
 * (and directory) for every test, for suites whose tests change who is admin or active.
 */
export function serverWithAdmin(
  env: Record<string, string> = {},
  options: { workers?: boolean; eachTest?: boolean } = {},
) {
  const suite = {} as { server: TestServer; api: Client; admin: { token: string; id: string; email: string } };
  (options.eachTest ? beforeEach : before)(async () => {
    suite.server = await startTestServer(env, options);
    suite.api = client(suite.server.url);
    suite.admin = await setUpAdmin(suite.api);
  });
  (options.eachTest ? afterEach : after)(() => suite.server.close());
  return suite;
}
