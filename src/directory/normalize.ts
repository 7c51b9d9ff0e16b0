import { ROLES, KINDS, STATUSES, type Role, type Kind, type Status } from './types.js';
import type { FieldProblem } from './errors.js';

// Input rules shared by every way a user is created or changed.

export const NAME_MIN = 3;
export const NAME_MAX = 40;
const EMAIL_MAX = 254;
// Pragmatic address check: one @, no spaces or control characters, a dotted domain.
const EMAIL_PATTERN = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;
const CONTROL = /\p{Cc}/u;

// Nearly every name and email is printable ASCII: those skip Unicode normalisation and the
// \p{…} patterns, with the same results.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const ASCII_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const codePointLength = (value: string) => (PRINTABLE_ASCII.test(value) ? value.length : [...value].length);

export function normalizeName(value: unknown, problems: FieldProblem[], field = 'name'): string {
  if (typeof value !== 'string') {
    problems.push({ field, message: 'must be a string' });
    return '';
  }
  const ascii = PRINTABLE_ASCII.test(value);
  const name = ascii ? value.trim().replace(/ {2,}/g, ' ') : value.normalize('NFC').trim().replace(/\s+/gu, ' ');
  const length = ascii ? name.length : codePointLength(name);
  if (length < NAME_MIN || length > NAME_MAX) {
    problems.push({ field, message: `must be ${NAME_MIN}–${NAME_MAX} characters after trimming (got ${length})` });
  } else if (!ascii && CONTROL.test(name)) {
    problems.push({ field, message: 'must not contain control characters' });
  }
  return name;
}

/** The one spelling of an address that the index, sign-in, its throttle and SSO all look up: NFC, trimmed, lower case. */
export function canonicalEmail(value: string): string {
  return (PRINTABLE_ASCII.test(value) ? value : value.normalize('NFC')).trim().toLowerCase();
}

export function normalizeEmail(value: unknown, problems: FieldProblem[], field = 'email'): string {
  if (typeof value !== 'string') {
    problems.push({ field, message: 'must be a string' });
    return '';
  }
  const ascii = PRINTABLE_ASCII.test(value);
  const email = canonicalEmail(value);
  if (email.length > EMAIL_MAX || !(ascii ? ASCII_EMAIL : EMAIL_PATTERN).test(email)) {
    problems.push({ field, message: 'must be a valid email address' });
  }
  return email;
}

/** Whether normalizeEmail would accept the value: what the directory takes for an address. */
export function isEmailAddress(value: string): boolean {
  const problems: FieldProblem[] = [];
  normalizeEmail(value, problems);
  return problems.length === 0;
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown, problems: FieldProblem[], field: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  problems.push({ field, message: `must be one of ${allowed.join(', ')}` });
  return allowed[0]!;
}

export const normalizeRole = (value: unknown, problems: FieldProblem[]): Role => oneOf(ROLES, value, problems, 'role');
export const normalizeKind = (value: unknown, problems: FieldProblem[]): Kind => oneOf(KINDS, value, problems, 'kind');
export const normalizeStatus = (value: unknown, problems: FieldProblem[]): Status =>
  oneOf(STATUSES, value, problems, 'status');

export function normalizeIdentifier(value: unknown, problems: FieldProblem[], field: string, max = 256): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max || CONTROL.test(value)) {
    problems.push({ field, message: `must be a non-empty string of at most ${max} characters` });
    return '';
  }
  return value.normalize('NFC').trim();
}

/** Lua's string.lower: ASCII letters only. Index keys that need more are stored beside the value. */
export const asciiLower = (value: string) => value.replace(/[A-Z]+/g, (run) => run.toLowerCase());

/** The Unicode lower-case index key, or undefined where Lua's ASCII lower-casing gives the same. */
export function indexKeyIfNeeded(value: string): string | undefined {
  if (PRINTABLE_ASCII.test(value)) return undefined;
  const lower = value.toLowerCase();
  return lower === asciiLower(value) ? undefined : lower;
}
