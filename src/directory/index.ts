export { Directory, type DirectoryOptions } from './directory.js';
export { DirectoryError, type DirectoryErrorCode, type FieldProblem } from './errors.js';
export { hashToken, newToken } from './tokens.js';
export { NAME_MIN, NAME_MAX } from './normalize.js';
export type * from './types.js';
export type { SessionLookup, OpenedSession } from './commands/sessions.js';
export type { StatusChange } from './commands/set-status.js';
export type { AuditEvent } from './audit.js';
export type { Mismatch } from './doctor.js';
