// Refusals of the directory, each with a stable code that the HTTP layers map.

export const DIRECTORY_ERROR_CODES = [
  'not_found',
  'validation_failed',
  'email_taken',
  'username_taken',
  'external_id_taken',
  'conflict',
  'version_mismatch',
  'last_active_admin',
  'cannot_deactivate_self',
  'cannot_delete_self',
  'cannot_change_own_role',
  'active_sessions',
  'user_inactive',
  'sso_required',
  'invalid_cursor',
  'already_set_up',
  'saml_account_bound',
  'already_sso',
] as const;

export type DirectoryErrorCode = (typeof DIRECTORY_ERROR_CODES)[number];

export interface FieldProblem {
  field: string;
  message: string;
}

export class DirectoryError extends Error {
  override name = 'DirectoryError';
  constructor(
    readonly code: DirectoryErrorCode,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export function validationFailed(fields: FieldProblem[]): DirectoryError {
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return new DirectoryError('validation_failed', summary, fields);
}

const SCRIPT_REFUSAL = /^RUNE (\w+) (.*)$/s;

/** Turns a refusal raised inside a Lua script into a DirectoryError; other errors pass through. */
export function fromScriptError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const match = SCRIPT_REFUSAL.exec(error.message);
  if (!match || !(DIRECTORY_ERROR_CODES as readonly string[]).includes(match[1]!)) return error;
  return new DirectoryError(match[1] as DirectoryErrorCode, match[2]!);
}
