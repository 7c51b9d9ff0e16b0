import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '../support/own-redis.js';
import { client } from '../support/http.js';
import { setUpAdmin } from '../support/journeys.js';
import { testPrefix } from '../support/redis.js';
import { runCli, envWithoutRedis, LISTENING, type CliProcess } from './cli-process.js';

// A deployment's Redis may come up after the service: with REDIS_URL given, serve waits for it,
// saying so in one readable line every few seconds, and serves as soon as it answers.

const UNREACHABLE_LINE = /redis unreachable at redis:\/\/127\.0\.0\.1:\d+: ECONNREFUSED; retrying/;

describe('startup: a configured Redis that is not there yet @slow', function () {
  this.timeout(90_000);
  let serving: CliProcess | undefined;
  let redis: ChildProcess | undefined;
  after(async () => {
    await serving?.stop('SIGKILL');
    if (redis && redis.exitCode === null) {
      redis.kill('SIGKILL');
      await once(redis, 'exit');
    }
  });

  it('with REDIS_URL pointing at nothing it keeps retrying, logs one line every few seconds without stack traces, /readyz 503, and serves once Redis comes up', async () => {
    const port = await freePort();
    // With the job workers: their BullMQ queues, workers and queue events reconnect too.
    serving = runCli(['serve'], {
      ...envWithoutRedis(),
      REDIS_URL: `redis://127.0.0.1:${port}`,
      REDIS_PREFIX: testPrefix('retry'),
    });
    const api = client((await serving.waitFor(LISTENING))[1]!);
    await serving.waitFor(UNREACHABLE_LINE);
    const waitedFrom = Date.now();
    expect((await api.get('/readyz')).status).to.equal(503);
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    expect((await api.get('/readyz')).status).to.equal(503);
    const waitedSeconds = (Date.now() - waitedFrom) / 1000;

    const output = serving.stdout() + serving.stderr();
    const lines = output.split('\n').filter(Boolean);
    const unreachable = lines.filter((line) => UNREACHABLE_LINE.test(line));
    // One line per 5 s (for all seven connections), give or take the one that started the wait.
    expect(unreachable.length, unreachable.join('\n')).to.be.within(2, Math.ceil(waitedSeconds / 5) + 2);
    for (const line of lines) expect(() => JSON.parse(line), `not a log line: ${line}`).to.not.throw();
    expect(output).to.not.include('Unhandled error event');
    expect(output).to.not.match(/\n\s+at /);
    expect(output).to.not.include('"stack"');

    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const deadline = Date.now() + 20_000;
    let ready = 0;
    while (Date.now() < deadline && ready !== 200) {
      ready = (await api.get('/readyz')).status;
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(ready, 'readyz once Redis is up').to.equal(200);
    const admin = await setUpAdmin(api);
    const users = await api.get('/api/v1/users', { token: admin.token });
    expect(users.status).to.equal(200);
    // A deactivation goes through the queue and a worker: BullMQ has reconnected as well.
    const someone = await api.post(
      '/api/v1/users',
      { name: 'Queued User', email: 'queued@corp.test', role: 'user' },
      { token: admin.token },
    );
    const deactivated = await api.post(`/api/v1/users/${someone.body.user.id}/deactivate`, {}, { token: admin.token });
    expect(deactivated.status, deactivated.text).to.be.oneOf([200, 202]);
    expect(await serving.stop('SIGTERM')).to.equal(0);
  });
});
