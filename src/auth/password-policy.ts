import { createRequire } from 'node:module';

// NIST SP 800-63B: length, a blocklist, nothing derived from the account. No composition rules.

const require = createRequire(import.meta.url);
const { dictionary } = require('@zxcvbn-ts/language-common') as { dictionary: Record<string, string[]> };
const COMMON_PASSWORDS = new Set(dictionary['passwords-common']!.map((p) => p.toLowerCase()));

export const PASSWORD_MAX_LENGTH = 128;

// Context-specific words (SP 800-63B §3.1.1.2), not every substring: "abundance" holds "dan"
// but is not Dan's name. A word of the name or the email's local part (runs of letters, runs
// of digits), or the whole local part, is refused anywhere in the password from 4 characters
// on ("smith" in "blacksmith1"); a shorter one only as a whole word of it ("dan" in
// "dan.smith2024" or "Dan 4ever"); words under 3 characters (initials) are not checked.
export const CONTEXT_WORD_ANYWHERE = 4;
const CONTEXT_WORD_MIN = 3;
const WORD = /\p{L}+|\p{N}+/gu;

const wordsOf = (text: string) => text.match(WORD) ?? [];

function containsContextWord(password: string, passwordWords: string[], contextWords: string[]): boolean {
  return contextWords.some((word) => {
    const length = [...word].length;
    if (length < CONTEXT_WORD_MIN) return false;
    return length >= CONTEXT_WORD_ANYWHERE ? password.includes(word) : passwordWords.includes(word);
  });
}

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
  const words = wordsOf(lower);
  const localPart = context.email?.split('@')[0]?.normalize('NFKC').toLowerCase() ?? '';
  if (containsContextWord(lower, words, [localPart, ...wordsOf(localPart)]))
    problems.push('must not contain your email address');
  if (containsContextWord(lower, words, wordsOf((context.name ?? '').normalize('NFKC').toLowerCase())))
    problems.push('must not contain your name');
  if (context.temporaryPassword && normalized === context.temporaryPassword.normalize('NFKC')) {
    problems.push('must differ from the temporary password');
  }
  return problems;
}
