// The child end of a load process's IPC channel (the parent end is load-process.ts): sending
// to the parent, reporting a failure, and stopping at once when the parent goes away.

/** Every load script's failure message; scim-load's also carries the command's id. */
export interface FailedMessage {
  type: 'failed';
  error: string;
}

export function parentChannel<M extends { type: string }>(script: string) {
  // The parent went away (it was interrupted, or crashed): stop at once.
  process.on('disconnect', () => process.exit(0));

  /** Resolves once the message was handed to the channel. */
  const send = (message: M) =>
    new Promise<void>((resolve) => {
      if (!process.send) throw new Error(`${script} must be started with an IPC channel (child_process.fork)`);
      process.send(message, undefined, {}, () => resolve());
    });

  /** Tells the parent what failed (its stack), then exits 1. */
  const fail = (error: unknown, fields: Partial<Extract<M, FailedMessage>> = {}) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    void send({ ...fields, type: 'failed', error: text } as unknown as M).then(() => process.exit(1));
  };

  return { send, fail };
}
