import { startTestServer, type TestServer } from '../../support/server.js';
import { client, type Client } from '../../support/http.js';
import { samlEnv } from './test-idp.js';

/** Registers the hooks of a suite against one SAML-configured server (no workers), and hands it over. */
export function samlServer(env: Record<string, string> = {}) {
  const suite = {} as { server: TestServer; api: Client };
  before(async () => {
    suite.server = await startTestServer({ ...samlEnv(), ...env }, { workers: false });
    suite.api = client(suite.server.url);
  });
  after(() => suite.server.close());
  return suite;
}
