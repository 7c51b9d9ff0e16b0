import { pino, type Logger, type DestinationStream } from 'pino';

// Secrets never reach a log line: these paths are censored wherever they appear.
export const REDACTED_PATHS = [
  'password', '*.password', 'newPassword', '*.newPassword', 'currentPassword', '*.currentPassword',
  'temporaryPassword', '*.temporaryPassword', 'token', '*.token', 'passwordHash', '*.passwordHash',
  'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'SAMLResponse', '*.SAMLResponse',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}

export type { Logger };
