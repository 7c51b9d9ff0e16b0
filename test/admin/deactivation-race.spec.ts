import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.js';
import { client, type Client } from '../support/http.js';
import { setUpAdmin } from '../support/journeys.js';

const TRIALS = 100;
const PLACEHOLDER_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';

describe('admin API: two admins deactivating each other at once @slow', function () {
  this.timeout(120_000);
  let server: TestServer;
  let api: Client;
  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it(`always leaves exactly one active admin, and the loser gets 409 last_active_admin (${TRIALS} trials)`, async () => {
    const { directory } = server.runtime;
    const first = await setUpAdmin(api);
    // Each trial starts with one active admin (the last survivor), who promotes a newcomer;
    // then both deactivate each other at the same moment.
    let survivor = { id: first.id, token: first.token };
    const losers: string[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const newcomer = await directory.createUser(
        {
          name: `Racer ${trial}`,
          email: `racer${trial}@corp.test`,
          role: 'admin',
          kind: 'password',
          passwordHash: PLACEHOLDER_HASH,
        },
        { source: 'system' },
      );
      const { token } = await directory.createSession(newcomer.id, 'full');
      const [a, b] = await Promise.all([
        api.post(`/api/v1/users/${newcomer.id}/deactivate`, undefined, { token: survivor.token }),
        api.post(`/api/v1/users/${survivor.id}/deactivate`, undefined, { token }),
      ]);
      expect([a.status, b.status].sort(), `${a.text} ${b.text}`).to.deep.equal([200, 409]);
      const loser = a.status === 409 ? a : b;
      losers.push(loser.body.code);
      expect(await server.runtime.redis.scard(directory.keys.activeAdmins)).to.equal(1);
      if (b.status === 200) survivor = { id: newcomer.id, token };
    }
    expect(new Set(losers)).to.deep.equal(new Set(['last_active_admin']));
  });
});
