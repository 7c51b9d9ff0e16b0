import { expect } from 'chai';
import { serverWithAdmin, onboardUser, setUpAdmin } from '../support/journeys.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { client, type Client } from '../support/http.js';
import { samlEnv, ACS_URL, IDP_ENTITY_ID, PUBLIC_URL, SP_ENTITY_ID } from '../saml/support/test-idp.js';

// GET /api/v1/connection: what the console's SCIM tokens page shows an admin to paste into Okta or Entra ID.

describe('GET /api/v1/connection', () => {
  describe('without SAML', () => {
    const t = serverWithAdmin({ PUBLIC_URL: 'https://rune.corp.test/' });

    it('answers the SCIM base URL from PUBLIC_URL, and that SAML is not configured', async () => {
      const reply = await t.api.get('/api/v1/connection', { token: t.admin.token });
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.body).to.deep.equal({
        publicUrl: 'https://rune.corp.test',
        scim: { baseUrl: 'https://rune.corp.test/scim/v2' },
        saml: { configured: false },
      });
    });

    it('is for admins only: 401 without a session, 403 for a User-role session', async () => {
      const anonymous = await t.api.get('/api/v1/connection');
      expect(anonymous.status).to.equal(401);
      expect(anonymous.headers.get('content-type')).to.match(/^application\/problem\+json/);
      await onboardUser(
        t.api,
        t.admin.token,
        { name: 'Plain User', email: 'plain@corp.test' },
        'a quiet orchard at dusk',
      );
      const signedIn = await t.api.post('/auth/login', {
        email: 'plain@corp.test',
        password: 'a quiet orchard at dusk',
      });
      expect(signedIn.status).to.equal(200);
      const refused = await t.api.get('/api/v1/connection', { token: signedIn.body.token });
      expect(refused.status).to.equal(403);
      expect(refused.body.code).to.be.a('string');
      expect(refused.text).not.to.include('scim/v2');
    });

    it('refuses a query parameter with a 400 problem naming it', async () => {
      const reply = await t.api.get('/api/v1/connection?x=1', { token: t.admin.token });
      expect(reply.status).to.equal(400);
      expect(reply.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(reply.body.code).to.equal('validation_failed');
      expect(JSON.stringify(reply.body.errors)).to.include('x');
    });

    it('is described in the OpenAPI document', async () => {
      const doc = await t.api.get('/api/v1/openapi.json');
      expect(doc.body.paths['/api/v1/connection'].get.operationId).to.equal('getConnection');
    });
  });

  describe('with SAML configured', () => {
    let server: TestServer;
    let api: Client;
    before(async () => {
      server = await startTestServer(samlEnv(), { workers: false });
      api = client(server.url);
    });
    after(() => server.close());

    it('answers the SP entity id, ACS, metadata and login URLs, and the IdP trusted', async () => {
      const admin = await setUpAdmin(api);
      const reply = await api.get('/api/v1/connection', { token: admin.token });
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.body).to.deep.equal({
        publicUrl: PUBLIC_URL,
        scim: { baseUrl: `${PUBLIC_URL}/scim/v2` },
        saml: {
          configured: true,
          entityId: SP_ENTITY_ID,
          acsUrl: ACS_URL,
          metadataUrl: `${PUBLIC_URL}/saml/metadata`,
          loginUrl: `${PUBLIC_URL}/saml/login`,
          idpEntityId: IDP_ENTITY_ID,
        },
      });
      // The metadata the IdP reads names the same entity id and ACS.
      const metadata = await api.get('/saml/metadata');
      expect(metadata.text).to.include(`entityID="${SP_ENTITY_ID}"`);
      expect(metadata.text).to.include(`Location="${ACS_URL}"`);
    });
  });
});
