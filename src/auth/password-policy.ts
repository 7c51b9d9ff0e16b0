import { createRequire } from 'node:module';

// NIST SP 800-63B: length, a blocklist, nothing derived from the account. No composition rules.

const require = createRequire(import.meta.url);
const { dictionary } = require('@zxcvbn-ts/language-common') as { dictionary: Record<string, string[]> };
const COMMON_PASSWORDS = new Set(dictionary['passwords-common']!.map((p) => p.toLowerCase()));

export const PASSWORD_MAX_LENGTH = 128;

export interface PasswordContext {
  minLength: number;
  email?: string;
  name?: string;
  /** The temporary password being replaced, if the caller knows it. */
  temporaryPassword?: string;
}

/** The requirements a password fails, in words a user can act on; empty when it is acceptable. */
export function passwordProblems(password: string, context: PasswordContext): string[] {
  const problems: string[] = [];
  const normalized = password.normalize('NFKC');
  const length = [...normalized].length;
  const lower = normalized.toLowerCase();
  if (length < context.minLength) problems.push(`must be at least ${context.minLength} characters (got ${length})`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters (got ${length})`);
  if (COMMON_PASSWORDS.has(lower)) problems.push('is one of the most commonly used passwords');
  const localPart = context.email?.split('@')[0]?.toLowerCase();
  if (localPart && localPart.length >= 3 && lower.includes(localPart)) problems.push('must not contain your email address');
  const nameParts = (context.name ?? '').toLowerCase().split(/\s+/u).filter((part) => [...part].length >= 3);
  if (nameParts.some((part) => lower.includes(part))) problems.push('must not contain your name');
  if (context.temporaryPassword && normalized === context.temporaryPassword.normalize('NFKC')) {
    problems.push('must differ from the temporary password');
  }
  return problems;
}
