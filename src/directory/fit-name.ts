import { NAME_MIN, NAME_MAX, codePointLength } from './normalize.js';

/**
 * A display name the directory accepts (3–40 characters), from the first candidate that has
 * at least 3 characters once trimmed, cut to 40. IdPs send names of any length, or none.
 */
export function fitName(...candidates: (string | undefined | null)[]): string | undefined {
  for (const candidate of candidates) {
    const name = (candidate ?? '').normalize('NFC').trim().replace(/\s+/gu, ' ');
    if (codePointLength(name) >= NAME_MIN) return [...name].slice(0, NAME_MAX).join('').trim();
  }
  return undefined;
}
