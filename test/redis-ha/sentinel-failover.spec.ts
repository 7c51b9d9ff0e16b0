import { expect } from 'chai';
import { startSentinelGroup, until, type SentinelGroup } from '../support/redis-processes.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { client, type Client, type Reply } from '../support/http.js';
import { setUpAdmin } from '../support/journeys.js';
import { Directory } from '../../src/directory/index.js';

// Redis Sentinel: a primary, one replica, three sentinels of the test's own. Security writes
// wait for the replica (WAIT 1), so what the service acknowledged survives the primary's loss.

const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const deactivation = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] };

interface Setup {
  group: SentinelGroup;
  server: TestServer;
  api: Client;
  admin: { token: string };
  scimToken: string;
  /** The directory as the node on `port` holds it, read directly. */
  directoryAt(port: number): Directory;
}

async function setUp(): Promise<Setup> {
  const group = await startSentinelGroup();
  const server = await startTestServer({
    REDIS_SENTINELS: group.sentinelList,
    REDIS_SENTINEL_NAME: group.name,
    // A replica on a loaded CI machine may take longer than the default 500 ms to confirm.
    REDIS_WAIT_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'warn',
  });
  const api = client(server.url);
  const admin = await setUpAdmin(api);
  const scimToken = (await api.post('/api/v1/scim-tokens', { name: 'Okta' }, { token: admin.token })).body.token;
  const directoryAt = (port: number) =>
    new Directory(group.connect(port), { prefix: server.config.redis.prefix, session: server.config.session });
  return { group, server, api, admin, scimToken, directoryAt };
}

async function provision(s: Setup, count: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const email = `${tag}-${i}@corp.test`;
    const created = await s.api.post(
      '/scim/v2/Users',
      { schemas: [SCIM_USER], userName: email, emails: [{ value: email, primary: true }], active: true },
      { token: s.scimToken },
    );
    expect(created.status, created.text).to.equal(201);
    ids.push(created.body.id);
  }
  return ids;
}

describe('Redis Sentinel: a failover loses no acknowledged deprovisioning @slow', function () {
  this.timeout(180_000);
  let s: Setup | undefined;
  afterEach(async () => {
    await s?.server.close().catch(() => undefined);
    await s?.group.stop();
    s = undefined;
  });

  it('with the replica gone, a deactivation answers 503 replica_unconfirmed (made on the primary, unconfirmed), and the same request again succeeds once the replica is back', async () => {
    s = await setUp();
    const [id] = await provision(s, 1, 'unconfirmed');
    await s.group.replica.kill();

    const refused = await s.api.patch(`/scim/v2/Users/${id}`, deactivation, { token: s.scimToken });
    expect(refused.status, refused.text).to.equal(503);
    expect(refused.body.schemas).to.deep.equal(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect(refused.body.detail).to.match(/no Redis replica confirmed/);
    expect(refused.headers.get('retry-after')).to.match(/^\d+$/);
    // The write happened on the primary, unconfirmed: the user is inactive there already.
    const onPrimary = await s.directoryAt(s.group.primary.port).getUser(id!);
    expect(onPrimary?.status, 'state on the primary after the unconfirmed write').to.equal('inactive');
    // The admin API answers the same refusal as a problem document.
    const someone = await s.api.post(
      '/api/v1/users',
      { name: 'Ada Unconfirmed', email: 'ada@corp.test', role: 'user' },
      {
        token: s.admin.token,
      },
    );
    expect(someone.status, someone.text).to.equal(503);
    expect(someone.body.code).to.equal('replica_unconfirmed');
    expect(someone.headers.get('retry-after')).to.equal('1');
    // Reads do not wait for replicas.
    expect((await s.api.get(`/scim/v2/Users/${id}`, { token: s.scimToken })).status).to.equal(200);

    await s.group.replica.restart(s.group.primary.port);
    const primary = s.group.connect(s.group.primary.port);
    await until('the replica back in sync', async () =>
      /slave0:.*state=online/.test(await primary.info('replication')),
    );
    const retried = await s.api.patch(`/scim/v2/Users/${id}`, deactivation, { token: s.scimToken });
    expect(retried.status, retried.text).to.equal(200);
    expect(retried.body.active).to.equal(false);
    expect((await s.directoryAt(s.group.replica.port).getUser(id!))?.status).to.equal('inactive');
    console.log(
      `      replica gone: deactivation ${refused.status} ${refused.body.detail ? 'replica_unconfirmed' : ''}, state on primary ${onPrimary?.status}; retried with the replica back: ${retried.status}`,
    );
  });

  it('SIGKILL of the primary during a stream of SCIM deactivations and admin creates: every acknowledged one is on the new primary, only 2xx/4xx/503 meanwhile, and the service recovers without a restart', async () => {
    s = await setUp();
    const setup = s;
    const ids = await provision(setup, 120, 'stream');
    const statuses = new Map<number, number>();
    const acknowledgedDeactivations: string[] = [];
    const acknowledgedCreates: string[] = [];
    const unavailable = new Map<string, number>();
    const count = (reply: Reply) => {
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      if (reply.status !== 503) return;
      const why = /no Redis replica confirmed/.test(reply.text) ? 'replica_unconfirmed' : 'service_unavailable';
      unavailable.set(why, (unavailable.get(why) ?? 0) + 1);
    };
    let stopped = false;
    const failures: string[] = [];

    const queue = [...ids];
    const deactivator = async () => {
      while (!stopped && queue.length > 0) {
        const id = queue.shift()!;
        const reply = await setup.api.patch(`/scim/v2/Users/${id}`, deactivation, { token: setup.scimToken });
        count(reply);
        if (reply.status === 200 && reply.body.active === false) acknowledgedDeactivations.push(id);
        else if (reply.status !== 503) failures.push(`deactivation ${reply.status}: ${reply.text}`);
        if (reply.status === 503) queue.push(id); // as an IdP does: it retries later
        await new Promise((resolve) => setTimeout(resolve, reply.status === 503 ? 100 : 10));
      }
    };
    let n = 0;
    const creator = async () => {
      while (!stopped) {
        const i = n++;
        const reply = await setup.api.post(
          '/api/v1/users',
          { name: `Stream User ${i}`, email: `created-${i}@corp.test`, role: 'user' },
          { token: setup.admin.token },
        );
        count(reply);
        if (reply.status === 201) acknowledgedCreates.push(reply.body.user.id);
        else if (reply.status !== 503) failures.push(`create ${reply.status}: ${reply.text}`);
        await new Promise((resolve) => setTimeout(resolve, reply.status === 503 ? 100 : 20));
      }
    };
    const stream = Promise.all([deactivator(), deactivator(), creator()]);

    await until('some deactivations before the kill', async () => acknowledgedDeactivations.length >= 30);
    const before = acknowledgedDeactivations.length;
    const killedAt = Date.now();
    await setup.group.primary.kill('SIGKILL');
    await until('the replica promoted', async () => (await setup.group.masterPort()) === setup.group.replica.port);
    const promotedMs = Date.now() - killedAt;
    // The old primary comes back as a replica of the new one (as a supervisor restarts it), so
    // security writes find a replica to confirm them again.
    await setup.group.primary.restart(setup.group.replica.port);
    const newPrimary = setup.group.connect(setup.group.replica.port);
    await until('the old primary in sync as a replica', async () =>
      /slave0:.*state=online/.test(await newPrimary.info('replication')),
    );
    const syncedMs = Date.now() - killedAt;
    await until(
      'deactivations acknowledged after the failover',
      async () => acknowledgedDeactivations.length >= before + 30 || queue.length === 0,
      60_000,
    );
    stopped = true;
    await stream;

    // Read the new primary directly: every acknowledged deactivation is in force, every create exists.
    const directory = setup.directoryAt(setup.group.replica.port);
    const notInForce: string[] = [];
    for (const id of acknowledgedDeactivations)
      if ((await directory.getUser(id))?.status !== 'inactive') notInForce.push(id);
    const lost: string[] = [];
    for (const id of acknowledgedCreates) if (!(await directory.getUser(id))) lost.push(id);

    // The service recovered without a restart: a read, a create and a deactivation work.
    const later = await setup.api.post(
      '/api/v1/users',
      { name: 'After Failover', email: 'after@corp.test', role: 'user' },
      {
        token: setup.admin.token,
      },
    );
    expect(later.status, later.text).to.equal(201);
    const [last] = await provision(setup, 1, 'after');
    const lastOff = await setup.api.patch(`/scim/v2/Users/${last}`, deactivation, { token: setup.scimToken });
    expect(lastOff.status, lastOff.text).to.equal(200);
    expect((await setup.api.get('/readyz')).status).to.equal(200);
    // The workers (BullMQ, through the sentinels too) take jobs again: a signed-in user's
    // deactivation has its clean-up job run.
    const signedIn = await setup.api.post(
      '/api/v1/users',
      { name: 'Signed In', email: 'signed-in@corp.test', role: 'user' },
      { token: setup.admin.token },
    );
    expect(signedIn.status, signedIn.text).to.equal(201);
    const session = await setup.api.post('/auth/login', {
      email: 'signed-in@corp.test',
      password: signedIn.body.temporaryPassword,
    });
    expect(session.status, session.text).to.equal(200);
    const off = await setup.api.post(`/api/v1/users/${signedIn.body.user.id}/deactivate`, undefined, {
      token: setup.admin.token,
    });
    expect(off.status, off.text).to.be.oneOf([200, 202]);
    let jobState = off.status === 200 ? 'completed' : 'pending';
    await until(
      'the clean-up job after the failover',
      async () => {
        if (off.status === 200) return true;
        jobState = (await setup.api.get(off.body.job.url, { token: setup.admin.token })).body.job.state;
        return jobState === 'completed';
      },
      30_000,
    );

    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    const table = [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, k]) => `${status}×${k}`)
      .join(' ');
    console.log(
      `      failover: ${total} requests (${table}; 503s: ${[...unavailable].map(([k, v]) => `${k}×${v}`).join(' ')}); promoted after ${promotedMs} ms, old primary back as replica after ${syncedMs} ms; ` +
        `${acknowledgedDeactivations.length} acknowledged deactivations (${before} before the kill), all in force on the new primary: ${notInForce.length === 0}; ` +
        `${acknowledgedCreates.length} acknowledged creates, lost: ${lost.length}; a clean-up job after it: ${jobState}`,
    );
    expect(failures, 'answers other than 2xx and 503').to.deep.equal([]);
    for (const status of statuses.keys())
      expect(status, 'a status during the failover').to.satisfy(
        (x: number) => (x >= 200 && x < 300) || (x >= 400 && x < 500) || x === 503,
      );
    expect(notInForce, 'acknowledged deactivations not in force on the new primary').to.deep.equal([]);
    expect(lost, 'acknowledged creates missing on the new primary').to.deep.equal([]);
    expect(acknowledgedDeactivations.length).to.be.greaterThan(before);
  });
});
