import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.js';
import { client } from '../support/http.js';
import { setUpAdmin } from '../support/journeys.js';

describe('http: health and metrics', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({}, { workers: false });
  });
  after(() => server.close());

  it('serves healthz, readyz and Prometheus metrics with route templates, not raw paths', async () => {
    const api = client(server.url);
    expect((await api.get('/healthz')).body).to.deep.equal({ status: 'ok' });
    expect((await api.get('/readyz')).body).to.deep.equal({ status: 'ready' });
    const admin = await setUpAdmin(api);
    await api.get(`/api/v1/users/${admin.id}`, { token: admin.token });
    await api.get('/api/v1/users/nobody', { token: admin.token });
    const metrics = await api.get('/metrics');
    expect(metrics.status).to.equal(200);
    expect(metrics.headers.get('content-type')).to.match(/^text\/plain/);
    expect(metrics.text).to.include('rune_http_requests_total{method="GET",route="/api/v1/users/:id",status="200"} 1');
    expect(metrics.text).to.include('rune_http_requests_total{method="GET",route="/api/v1/users/:id",status="404"} 1');
    expect(metrics.text).not.to.include(admin.id);
    expect(metrics.text).to.include('rune_users{status="active"} 1');
    expect(metrics.text).to.include('rune_nodejs_eventloop_lag_p99_seconds');
  });
});
