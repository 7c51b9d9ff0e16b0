import { UnrecoverableError } from 'bullmq';
import { DirectoryError } from '../directory/index.js';

// A rule refusal ends a job for good (no retry) and must reach the API with its code.
// It travels as the job's failedReason: "RUNE <code> <detail>".

const REASON = /^RUNE (\w+) (.*)$/s;

export function refusalError(error: DirectoryError): UnrecoverableError {
  return new UnrecoverableError(`RUNE ${error.code} ${error.message}`);
}

export function parseRefusal(reason: string | undefined): { code: string; detail: string } | undefined {
  const match = reason ? REASON.exec(reason) : null;
  return match ? { code: match[1]!, detail: match[2]! } : undefined;
}
