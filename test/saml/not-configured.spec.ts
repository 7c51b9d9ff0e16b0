import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.js';
import { client } from '../support/http.js';

describe('saml: not configured', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({}, { workers: false });
  });
  after(() => server.close());

  it('answers 404 with what to set on every SAML route, and the rest of the service runs', async () => {
    const api = client(server.url);
    for (const reply of [
      await api.get('/saml/metadata'),
      await api.get('/saml/login'),
      await api.post('/saml/acs', { SAMLResponse: 'x' }),
    ]) {
      expect(reply.status).to.equal(404);
      expect(reply.body.code).to.equal('saml_not_configured');
      expect(reply.body.detail)
        .to.include('SAML_IDP_CERT')
        .and.include('SAML_IDP_SSO_URL')
        .and.include('SAML_IDP_ENTITY_ID');
    }
    expect((await api.get('/healthz')).status).to.equal(200);
    expect((await api.get('/auth/session')).status).to.equal(401);
  });
});
