import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { freePort } from './own-redis.js';

// redis-server processes of a test's own, on free ports in a temporary directory: a primary, its
// replica and three sentinels (`redis-server --sentinel`). Never the shared Redis on 6379.

export interface RedisNode {
  readonly port: number;
  /** Sends `signal` (SIGKILL by default) and waits for the end. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port, a replica of `primaryPort` when given. */
  restart(primaryPort?: number): Promise<void>;
  readonly alive: boolean;
}

export interface SentinelGroup {
  name: string;
  primary: RedisNode;
  replica: RedisNode;
  sentinels: RedisNode[];
  /** REDIS_SENTINELS's value. */
  sentinelList: string;
  /** The port the sentinels name as the master now. */
  masterPort(): Promise<number>;
  /** A plain connection to one node (read it directly); closed by stop(). */
  connect(port: number): Redis;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 100 ms until it holds, or throws `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function node(args: (port: number) => string[], port: number, onStart?: (port: number) => void): RedisNode {
  let child: ChildProcess | undefined;
  let extra: string[] = [];
  const start = () => {
    onStart?.(port);
    child = spawn('redis-server', [...args(port), ...extra], { stdio: 'ignore' });
  };
  start();
  return {
    port,
    get alive() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    async kill(signal = 'SIGKILL') {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        await once(child, 'exit');
      }
    },
    async restart(primaryPort) {
      await this.kill();
      extra = primaryPort === undefined ? [] : ['--replicaof', '127.0.0.1', String(primaryPort)];
      start();
      await answers(port);
    },
  };
}

async function answers(port: number): Promise<void> {
  await until(`redis on ${port}`, async () => {
    const probe = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } finally {
      probe.disconnect();
    }
  });
}

/**
 * A primary, one replica in sync with it, and three sentinels (quorum 2, a primary is down after
 * 1 s) that know the replica and each other: ready for a failover.
 */
export async function startSentinelGroup(name = 'rune-ha'): Promise<SentinelGroup> {
  const dir = mkdtempSync(join(tmpdir(), 'rune-sentinel-'));
  const [primaryPort, replicaPort, ...sentinelPorts] = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  const server = (port: number) => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--dbfilename',
    `dump-${port}.rdb`,
    '--save',
    '',
    '--appendonly',
    'no',
  ];
  const primary = node(server, primaryPort!);
  const replica = node((port) => [...server(port), '--replicaof', '127.0.0.1', String(primaryPort)], replicaPort!);
  // A sentinel rewrites its configuration file: each gets one of its own, written before each start.
  const sentinelConf = (port: number) => join(dir, `sentinel-${port}.conf`);
  const writeConf = (port: number) =>
    writeFileSync(
      sentinelConf(port),
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${primaryPort} 2`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 4000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
  const sentinels = sentinelPorts.map((port) => node((p) => [sentinelConf(p), '--sentinel'], port, writeConf));
  const connections: Redis[] = [];
  const connect = (port: number) => {
    const connection = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => 200 });
    connection.on('error', () => undefined);
    connections.push(connection);
    return connection;
  };
  const stop = async () => {
    for (const c of connections) c.disconnect();
    await Promise.all([primary, replica, ...sentinels].map((n) => n.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  const masterPort = async () => {
    for (const sentinel of sentinels.filter((s) => s.alive)) {
      const probe = connect(sentinel.port);
      const answer = (await probe.call('SENTINEL', 'get-master-addr-by-name', name).catch(() => null)) as
        string[] | null;
      probe.disconnect();
      if (answer) return Number(answer[1]);
    }
    throw new Error('no sentinel answers');
  };
  try {
    await Promise.all([primaryPort!, replicaPort!, ...sentinelPorts].map((port) => answers(port)));
    const primaryConnection = connect(primaryPort!);
    await until('the replica in sync', async () =>
      /slave0:.*state=online/.test(await primaryConnection.info('replication')),
    );
    // Online is not yet acknowledging: a write must be confirmed by the replica (WAIT), as the
    // service's security writes need, before anything is asked of the group.
    await until('the replica to acknowledge a write', async () => {
      await primaryConnection.set('replication-probe', String(Date.now()));
      return Number(await primaryConnection.call('WAIT', '1', '1000')) >= 1;
    });
    for (const port of sentinelPorts) {
      const sentinel = connect(port);
      await until(`sentinel ${port} to know the replica and the other sentinels`, async () => {
        const master = (await sentinel.call('SENTINEL', 'master', name)) as string[];
        const field = (key: string) => Number(master[master.indexOf(key) + 1]);
        return field('num-slaves') >= 1 && field('num-other-sentinels') >= 2;
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name,
    primary,
    replica,
    sentinels,
    sentinelList: sentinelPorts.map((port) => `127.0.0.1:${port}`).join(','),
    masterPort,
    connect,
    stop,
  };
}
