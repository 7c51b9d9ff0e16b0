import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const TEMPORARY_PASSWORD_LENGTH = 16;

/** 16 characters of [A-Za-z0-9] from a CSPRNG: about 95 bits, like xK9mP2nQ8vL5wR4t. */
export function generateTemporaryPassword(): string {
  let password = '';
  for (let i = 0; i < TEMPORARY_PASSWORD_LENGTH; i++) password += ALPHABET[randomInt(ALPHABET.length)];
  return password;
}
