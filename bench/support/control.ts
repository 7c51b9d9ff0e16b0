// Cooperative stop for benchmarks: Ctrl-C asks the running bench to stop issuing commands,
// so that its cleanup (which runs in `finally`) is ordered after every command it sent.

export class BenchInterrupted extends Error {
  override name = 'BenchInterrupted';
}

let stopReason: string | undefined;

export function requestStop(reason: string): void {
  stopReason ??= reason;
}

export const stopRequested = () => stopReason !== undefined;

/** Throws once a stop was requested; call it between units of work. */
export function checkStop(): void {
  if (stopReason !== undefined) throw new BenchInterrupted(`stopped: ${stopReason}`);
}

/** A positive integer from the environment, or the default. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer (got "${raw}")`);
  return value;
}

export function envBool(name: string, fallback: boolean): boolean {
  const raw = process.env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false (got "${raw}")`);
}
