import { pino, stdSerializers, type Logger, type DestinationStream } from 'pino';

// Secrets never reach a log line: these paths are censored wherever they appear.
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'currentPassword',
  '*.currentPassword',
  'temporaryPassword',
  '*.temporaryPassword',
  'token',
  '*.token',
  'passwordHash',
  '*.passwordHash',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'SAMLResponse',
  '*.SAMLResponse',
];

const CENSOR = '[redacted]';

// Errors carry what paths cannot name: ioredis puts a failed command's arguments (a script's
// JSON payload, packed password hash included) on `command.args`, on `args`, and on each of a
// transaction's `previousErrors`. Those go whole; any string that still looks like a hash is
// cut out of messages, stacks and whatever else an error holds.
const ARGON2_STRING = /\$argon2(?:id|i|d)\$[A-Za-z0-9+/=,$.-]*/g;
// password-codec.ts packs 16 bytes of salt and 32 of hash into exactly 64 base64 characters.
const PACKED_HASH = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{64}(?![A-Za-z0-9+/=])/g;
const SECRET_KEYS = new Set([
  'args',
  'pw',
  'pwp',
  'passwordHash',
  'password',
  'newPassword',
  'currentPassword',
  'temporaryPassword',
  'token',
]);
const MAX_DEPTH = 8;

const scrubText = (text: string) => text.replace(ARGON2_STRING, CENSOR).replace(PACKED_HASH, CENSOR);

function scrub(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value) || depth > MAX_DEPTH) return '[elided]';
  seen.add(value);
  if (value instanceof Error) return scrub(stdSerializers.err(value), depth + 1, seen);
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1, seen));
  if (Buffer.isBuffer(value)) return CENSOR;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (SECRET_KEYS.has(key)) out[key] = CENSOR;
    // What failed stays readable: the command's name, never its arguments.
    else if (key === 'command') out[key] = commandName(item);
    else out[key] = scrub(item, depth + 1, seen);
  }
  return out;
}

function commandName(command: unknown): unknown {
  const name = (command as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? { name: scrubText(name), args: CENSOR } : CENSOR;
}

/** pino's error serializer, with every command argument and hash-like string censored. */
export function serializeError(error: unknown): unknown {
  const plain = error instanceof Error ? stdSerializers.err(error) : error;
  return scrub(plain, 0, new WeakSet());
}

// A line logged while a request is handled carries its request id (request-log.ts sets it on
// res.locals): the handlers and error handlers that log take their logger from requestLogger.
// Not an AsyncLocalStorage: on Node 20 one turns on a hook for every promise the process makes,
// which cost the SCIM hot path ~10 % of its throughput for a field on the rare lines logged.

/** `logger` with the request id of `res` (when request-log.ts gave it one) on each of its lines. */
export function requestLogger(logger: Logger, res: { locals: Record<string, unknown> }): Logger {
  const requestId = res.locals.requestId;
  return typeof requestId === 'string' ? logger.child({ requestId }) : logger;
}

/** LOG_FORMAT: `pretty` human lines, `json` one object a line, `auto` pretty on a terminal only. */
export type LogFormat = 'auto' | 'pretty' | 'json';

// pino-pretty runs as a transport (a worker thread), so formatting never costs the event loop;
// redaction and the serializers run before it, in this thread, so both formats censor alike.
function stdoutFor(format: LogFormat): DestinationStream | undefined {
  const pretty = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true);
  if (!pretty) return undefined;
  return pino.transport({
    target: 'pino-pretty',
    options: {
      destination: 1,
      colorize: process.stdout.isTTY === true,
      translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
      ignore: 'pid,hostname',
    },
  }) as DestinationStream;
}

/** A logger to stdout in `format`; with a `destination` (tests, captures), JSON lines to it. */
export function createLogger(level: string, destination?: DestinationStream, format: LogFormat = 'auto'): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: CENSOR },
      serializers: { err: serializeError, error: serializeError },
    },
    destination ?? (level === 'silent' ? undefined : stdoutFor(format)),
  );
}

export type { Logger };
