import { Refusal, codesRaisedBy, type DirectoryRefusalCode } from '../refusals.js';
import { decodeRefusal } from './refusal-codec.js';

// Refusals of the directory, each with a stable code declared in src/refusals.ts (its status,
// SCIM answer and words for people live there).

export const DIRECTORY_ERROR_CODES = codesRaisedBy('directory') as readonly DirectoryRefusalCode[];

export type DirectoryErrorCode = DirectoryRefusalCode;

export interface FieldProblem {
  field: string;
  message: string;
}

export class DirectoryError extends Refusal {
  override name = 'DirectoryError';
  constructor(
    override readonly code: DirectoryErrorCode,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(code, message);
  }
}

/** validation_failed for the fields a directory write refused (http/problem.ts's validationFailed is the HTTP one). */
export function invalidFields(fields: FieldProblem[]): DirectoryError {
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return new DirectoryError('validation_failed', summary, fields);
}

/** Turns a refusal raised inside a Lua script into a DirectoryError; other errors pass through. */
export function fromScriptError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const refusal = decodeRefusal(error.message);
  if (!refusal || !(DIRECTORY_ERROR_CODES as readonly string[]).includes(refusal.code)) return error;
  return new DirectoryError(refusal.code as DirectoryErrorCode, refusal.detail);
}
