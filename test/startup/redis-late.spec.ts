import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '../support/own-redis.js';
import { client } from '../support/http.js';
import { setUpAdmin } from '../support/journeys.js';
import { testPrefix } from '../support/redis.js';
import { buildOnce, npmStart, envWithoutRedis, LISTENING, type CliProcess } from './cli-process.js';

// The built service (npm start) started before its Redis, which stays away for a while: it
// waits and says so every few seconds, is not ready, refuses work with 503, and once Redis
// comes it serves, its workers take their queues, and a job queued then runs exactly once.

const WAITING = /waiting for Redis at 127\.0\.0\.1:(\d+) \(attempt (\d+)\)/;

describe('startup: Redis gone at start-up and for a long time @slow', function () {
  this.timeout(120_000);
  let serving: CliProcess | undefined;
  let redis: ChildProcess | undefined;
  before(() => buildOnce());
  after(async () => {
    await serving?.stop('SIGKILL');
    if (redis && redis.exitCode === null) {
      redis.kill('SIGKILL');
      await once(redis, 'exit');
    }
  });

  it('waits, logging "waiting for Redis at host:port (attempt n)" every few seconds, /readyz 503, work refused with 503; then serves, and a deactivation job queued after the return runs once', async () => {
    const port = await freePort();
    serving = npmStart({
      ...envWithoutRedis(),
      REDIS_URL: `redis://127.0.0.1:${port}`,
      REDIS_PREFIX: testPrefix('late'),
    });
    const api = client((await serving.waitFor(LISTENING, 60_000))[1]!);
    await serving.waitFor(WAITING);
    const waitedFrom = Date.now();

    expect((await api.get('/readyz')).status).to.equal(503);
    expect((await api.get('/healthz')).status).to.equal(200);
    // Work that would queue a job is refused (the store is unreachable), never a 401, 404 or 500.
    const deactivate = await api.post('/api/v1/users/00000000-0000-4000-8000-000000000000/deactivate', undefined, {
      token: 'a-token-that-cannot-be-checked-without-redis',
    });
    expect(deactivate.status, deactivate.text).to.equal(503);
    expect(deactivate.headers.get('retry-after')).to.match(/^\d+$/);
    expect(deactivate.body.code).to.equal('service_unavailable');
    const setup = await api.post('/api/v1/setup', { name: 'Root', email: 'root@corp.test', password: 'x'.repeat(20) });
    expect(setup.status, setup.text).to.equal(503);

    await new Promise((resolve) => setTimeout(resolve, 15_000));
    expect((await api.get('/readyz')).status).to.equal(503);
    const waitedSeconds = (Date.now() - waitedFrom) / 1000;
    const waits = serving
      .stdout()
      .split('\n')
      .filter((line) => WAITING.test(line));
    const attempts = waits.map((line) => Number(WAITING.exec(line)![2]));
    console.log(
      `      ${waits.length} "waiting for Redis" lines in ${waitedSeconds.toFixed(1)} s of waiting (attempts ${attempts.join(', ')})`,
    );
    // One line per 5 s for every connection of serve together, give or take the first.
    expect(waits.length).to.be.within(2, Math.ceil(waitedSeconds / 5) + 2);
    expect(Number(WAITING.exec(waits[0]!)![1])).to.equal(port);
    expect(attempts[attempts.length - 1]).to.be.greaterThan(attempts[0]!);
    expect(serving.stdout() + serving.stderr()).to.not.match(/\n\s+at |Unhandled error event/);

    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const deadline = Date.now() + 30_000;
    let ready = 0;
    while (Date.now() < deadline && ready !== 200) {
      ready = (await api.get('/readyz')).status;
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(ready, '/readyz once Redis is up').to.equal(200);
    await serving.waitFor(/redis answers at 127\.0\.0\.1:\d+ after \d+ attempts/);

    const admin = await setUpAdmin(api);
    const created = await api.post(
      '/api/v1/users',
      { name: 'Late User', email: 'late@corp.test', role: 'user' },
      { token: admin.token },
    );
    expect(created.status, created.text).to.equal(201);
    const userId: string = created.body.user.id;
    // Signed in, so the deactivation leaves a session for its clean-up job (run by serve's workers).
    const login = await api.post('/auth/login', { email: 'late@corp.test', password: created.body.temporaryPassword });
    expect(login.status, login.text).to.equal(200);
    const deactivated = await api.post(`/api/v1/users/${userId}/deactivate`, undefined, { token: admin.token });
    expect(deactivated.status, deactivated.text).to.be.oneOf([200, 202]);
    expect(deactivated.body.user.status).to.equal('inactive');

    // The job ran, exactly once in effect: one clean-up audited, its one session revoked.
    type Event = { target: string; action: string; details?: { count?: number } };
    const revocationsOf = async (): Promise<Event[]> =>
      (await api.get('/api/v1/audit?limit=100', { token: admin.token })).body.events.filter(
        (e: Event) => e.action === 'sessions.revoked' && e.target === userId,
      );
    const auditDeadline = Date.now() + 20_000;
    while (Date.now() < auditDeadline && (await revocationsOf()).length === 0)
      await new Promise((resolve) => setTimeout(resolve, 250));
    await new Promise((resolve) => setTimeout(resolve, 2000)); // a second run would have audited by now
    const revocations = await revocationsOf();
    console.log(
      `      after Redis returned: deactivation ${deactivated.status}, clean-up audited ${revocations.length}×`,
    );
    expect(revocations, 'sessions.revoked events of the deactivated user').to.have.length(1);
    expect(revocations[0]!.details?.count).to.equal(1);
    expect((await api.get('/auth/session', { token: login.body.token })).status).to.equal(401);
    expect(await serving.stop('SIGTERM')).to.equal(0);
  });
});
