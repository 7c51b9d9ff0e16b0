import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync, unlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';
import { StartupError } from '../runtime.js';
import { redisTarget, withinTime } from './connection.js';

// `serve` on a machine with nothing set up: when REDIS_URL is unset and no Redis answers at the
// default address, it runs a redis-server of its own, as a child, with its data under
// DATA_DIR/redis. A deployment sets REDIS_URL and never gets one (it waits for its own Redis).

export interface EmbeddedRedis {
  /** The configuration with redis.url pointing at the child. */
  config: Config;
  pid: number;
  /** SIGTERM to redis-server (it writes its append-only file and exits), then waits for it. */
  stop(): Promise<void>;
}

export const HOW_TO_GET_REDIS =
  'install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or run `docker compose up -d redis`, or set REDIS_URL';

// sun_path holds 108 bytes on Linux and 104 on macOS, the terminating NUL included.
const MAX_SOCKET_PATH_BYTES = 103;
const READY_WITHIN_MS = 10_000;
// Redis writes its append-only file and exits on SIGTERM in well under a second; a shutdown must not wait forever.
const STOP_WITHIN_MS = 10_000;

// The child's lifetime is bound to ours by a pipe, not by our goodbye: this watchdog shell holds
// the read end on stdin, and when we exit in any way (SIGKILL and crashes included) the pipe
// closes, `read` returns, and it SIGTERMs redis-server. It also forwards a SIGTERM sent to it,
// and ends when redis-server ends. It prints redis-server's pid as its first line.
const WATCHDOG = `
exec 3<&0
"$@" </dev/null &
rpid=$!
echo "$rpid"
trap 'kill -TERM "$rpid" 2>/dev/null' TERM INT HUP
( while read -r _; do :; done; kill -TERM "$rpid" 2>/dev/null ) <&3 &
wpid=$!
exec 3<&-
wait "$rpid"; status=$?
while kill -0 "$rpid" 2>/dev/null; do wait "$rpid"; status=$?; done
kill "$wpid" 2>/dev/null
exit "$status"
`;

/** Whether the embedded default applies: no REDIS_URL, no cluster, and nothing at the default URL. */
export async function needsEmbeddedRedis(config: Config): Promise<boolean> {
  if (config.redis.urlFromEnv || config.redis.clusterNodes.length > 0 || config.redis.sentinels.length > 0)
    return false;
  return !(await answers(config.redis.url));
}

/**
 * Starts the embedded Redis when it applies (see needsEmbeddedRedis); undefined when the
 * configured Redis is to be used. Throws StartupError with one line when it cannot.
 */
export async function startEmbeddedRedisIfNeeded(config: Config, logger: Logger): Promise<EmbeddedRedis | undefined> {
  if (!(await needsEmbeddedRedis(config))) return undefined;
  const binary = findOnPath('redis-server');
  if (!binary)
    throw new StartupError(
      `no Redis at ${redisTarget(config)} (REDIS_URL is not set) and no redis-server on the PATH: ${HOW_TO_GET_REDIS}`,
    );
  return startEmbeddedRedis(config, logger, binary);
}

async function startEmbeddedRedis(config: Config, logger: Logger, binary: string): Promise<EmbeddedRedis> {
  const dir = join(config.dataDir, 'redis');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const socket = join(dir, 'redis.sock');
  // Two redis-servers on one append-only file would corrupt it: one serve per DATA_DIR.
  const releaseDataDir = claimDataDir(config.dataDir, dir);
  if (await answers(`unix://${socket}`)) {
    releaseDataDir();
    throw new StartupError(`DATA_DIR ${config.dataDir} is in use: a Redis answers at ${socket}`);
  }
  // A socket path must fit sun_path and read as a URL's path (no spaces or %): else a loopback port.
  const socketFits = Buffer.byteLength(socket) <= MAX_SOCKET_PATH_BYTES && /^[\w/.@+-]+$/.test(socket);
  const listen = socketFits
    ? { lines: [`port 0`, `unixsocket ${socket}`, `unixsocketperm 700`], url: `unix://${socket}`, where: socket }
    : await loopbackListen();
  const confFile = join(dir, 'redis.conf');
  const logFile = join(dir, 'redis.log');
  writeFileSync(
    confFile,
    [
      ...listen.lines,
      // Quoted: redis.conf splits on spaces, and reads "…" with escapes like JSON's.
      `dir ${JSON.stringify(dir)}`,
      `logfile ${JSON.stringify(logFile)}`,
      'daemonize no',
      'appendonly yes',
      'appendfsync everysec',
      'save ""',
      'maxmemory-policy noeviction',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );

  const child = spawn('sh', ['-c', WATCHDOG, 'redis-watchdog', binary, confFile], {
    // Its own process group: a terminal's Ctrl-C reaches us, and we stop Redis after our own connections.
    detached: true,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const pid = await firstLine(child, exited);
  // Whatever ends this process, a child must not outlive it: 'exit' covers process.exit and a
  // crash; the watchdog's pipe covers SIGKILL.
  const killOnExit = () => {
    signal(child, pid);
    releaseDataDir();
  };
  process.on('exit', killOnExit);

  const url = listen.url;
  const ready = await waitUntilAnswers(url, exited);
  if (!ready) {
    killOnExit();
    process.off('exit', killOnExit);
    throw new StartupError(
      `the embedded redis-server (${binary}) did not start: ${lastLine(logFile)} (see ${logFile})`,
    );
  }
  logger.info(
    { redis: listen.where, binary, redisPid: pid, dataDir: dir },
    `started its own Redis (REDIS_URL is unset, nothing answers at ${redisTarget(config)}): ${binary}, pid ${pid}, at ${listen.where}, data in ${dir}`,
  );
  return {
    config: { ...config, redis: { ...config.redis, url } },
    pid,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        signal(child, pid);
        if ((await withinTime(exited, STOP_WITHIN_MS)) === 'timeout') {
          logger.warn(
            { redisPid: pid },
            `its own Redis did not stop within ${STOP_WITHIN_MS / 1000} s of SIGTERM; killing it`,
          );
          signal(child, pid, 'SIGKILL');
          await exited;
        } else {
          logger.info({ redisPid: pid }, 'stopped its own Redis');
        }
      }
      releaseDataDir();
    },
  };
}

/**
 * Takes DATA_DIR/redis/owner.pid for this process, or refuses with the pid of the live serve
 * that holds it. A file left by a process that is gone (SIGKILL, power loss) is taken over.
 */
function claimDataDir(dataDir: string, dir: string): () => void {
  const file = join(dir, 'owner.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new StartupError(
          `DATA_DIR ${dataDir} is in use by another rune-directory serve (pid ${owner}); stop it, or give this one another DATA_DIR or a REDIS_URL`,
        );
      }
      unlinkSync(file);
    }
  }
  throw new StartupError(`DATA_DIR ${dataDir}: cannot take ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// SIGTERM to redis-server itself (it saves and exits) and to the watchdog (which then ends).
function signal(child: ChildProcess, pid: number, name: NodeJS.Signals = 'SIGTERM'): void {
  for (const target of [pid, child.pid]) {
    try {
      if (target) process.kill(target, name);
    } catch {
      // already gone
    }
  }
}

/** No socket (path too long for one): a free loopback port, with a password only we know. */
async function loopbackListen() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  const password = randomBytes(24).toString('hex');
  return {
    lines: [`port ${port}`, 'bind 127.0.0.1', `requirepass ${password}`],
    url: `redis://:${password}@127.0.0.1:${port}`,
    where: `127.0.0.1:${port}`,
  };
}

async function firstLine(child: ChildProcess, exited: Promise<unknown>): Promise<number> {
  let text = '';
  const line = new Promise<number>((resolve) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      const match = /^(\d+)\n/.exec(text);
      if (match) resolve(Number(match[1]));
    });
  });
  const result = await Promise.race([line, exited.then(() => undefined)]);
  if (result === undefined) throw new StartupError('the embedded redis-server could not be started (sh failed)');
  return result;
}

async function waitUntilAnswers(url: string, exited: Promise<unknown>): Promise<boolean> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + READY_WITHIN_MS;
  while (!gone && Date.now() < deadline) {
    if (await answers(url)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** One bounded PING, no retries and no error left unhandled. */
async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
    enableOfflineQueue: false,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch (error) {
    // Something that speaks Redis but refuses us (NOAUTH) is a Redis: the service will say why.
    return /NOAUTH|WRONGPASS|ERR/.test((error as Error).message);
  } finally {
    probe.disconnect();
  }
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function lastLine(file: string): string {
  try {
    return (
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .at(-1)
        ?.replace(/^\d+:\w \d+ \w+ \d+ [\d:.]+ [#*.-] /, '') ?? 'no log'
    );
  } catch {
    return 'no log';
  }
}
