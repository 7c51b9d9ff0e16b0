import { startTestServer, type TestServer } from '../support/server.js';
import { call, client, type Reply } from '../support/http.js';
import { setUpAdmin } from '../support/journeys.js';

export interface ScimFixture {
  server: TestServer;
  admin: { token: string; id: string };
  scimToken: string;
  scim<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  close(): Promise<void>;
}

/** A server with a first admin and a SCIM token, as an admin would set up an IdP connection. */
export async function scimFixture(env: Record<string, string> = {}): Promise<ScimFixture> {
  const server = await startTestServer(env);
  const api = client(server.url);
  const admin = await setUpAdmin(api);
  const created = await api.post('/api/v1/scim-tokens', { name: 'Okta' }, { token: admin.token });
  const scimToken: string = created.body.token;
  return {
    server,
    admin,
    scimToken,
    scim: (method, path, body, headers = {}) =>
      call(server.url, method, `/scim/v2${path}`, {
        token: scimToken,
        body,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }), ...headers },
      }),
    close: () => server.close(),
  };
}

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const patch = (...Operations: object[]) => ({ schemas: [PATCH_OP], Operations });
