import type { Logger } from './logger.js';

// The server process's last line of defence. An error thrown from a response's 'finish' or
// 'close' listener (metrics, request log) escapes every try: the response is already sent and
// nothing of the request is left half-done, so the process logs it and keeps serving. Any
// other uncaught error leaves the process in a state nobody reasoned about: it logs one line
// and exits non-zero, for the supervisor to restart it.

// Frames Node puts under a listener of a response's 'finish' (onFinish) or 'close' (emitCloseNT).
const RESPONSE_EVENT =
  /at ServerResponse\.emit \(node:events[\s\S]*at (onFinish \(node:_http_outgoing|emitCloseNT \(node:_http_server)/;
// prom-client refusing a label (an inherited property turned into a label name).
const METRICS_LABEL = /is not included in initial labelset|Invalid label name/;

/** True for an error that came from a response's finish/close listener or a metrics label. */
export function isSurvivable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return RESPONSE_EVENT.test(error.stack ?? '') || METRICS_LABEL.test(error.message);
}

export function installProcessGuard(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): void {
  const guard = (kind: 'uncaughtException' | 'unhandledRejection') => (error: unknown) => {
    if (isSurvivable(error)) {
      logger.error({ err: error, kind }, 'an error escaped a response listener; still serving');
      return;
    }
    logger.fatal({ err: error, kind }, 'uncaught error; exiting');
    exit(1);
  };
  process.on('uncaughtException', guard('uncaughtException'));
  process.on('unhandledRejection', guard('unhandledRejection'));
}
