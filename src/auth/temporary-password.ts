import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const TEMPORARY_PASSWORD_LENGTH = 16;

/** 16 characters of [A-Za-z0-9] from a CSPRNG: about 95 bits, like xK9mP2nQ8vL5wR4t. */
export function generateTemporaryPassword(): string {
  let password = '';
  for (let i = 0; i < TEMPORARY_PASSWORD_LENGTH; i++) password += ALPHABET[randomInt(ALPHABET.length)];
  return password;
}

/**
 * True once a temporary password is older than the TTL. Users given one before its time was
 * stored count from their last change (updatedAt), the nearest thing the record has.
 */
export function temporaryPasswordExpired(
  user: { mustChangePassword: boolean; temporaryPasswordSetAt?: Date; updatedAt: Date },
  ttlSeconds: number,
  now = Date.now(),
): boolean {
  if (!user.mustChangePassword) return false;
  const setAt = (user.temporaryPasswordSetAt ?? user.updatedAt).getTime();
  return now - setAt > ttlSeconds * 1000;
}
