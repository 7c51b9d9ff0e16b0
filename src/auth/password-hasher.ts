import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane. */
export const OWASP_ARGON2: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

// Passwords are compared after NFKC normalisation (NIST SP 800-63B 5.1.1.2).
const normalize = (password: string) => password.normalize('NFKC');

/** argon2id hashing; the native binding runs on libuv's thread pool, off the event loop. */
export class PasswordHasher {
  private dummy?: Promise<string>;

  constructor(private readonly params: Argon2Params = OWASP_ARGON2) {}

  hash(password: string): Promise<string> {
    return argon2.hash(normalize(password), { type: argon2.argon2id, ...this.params });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, normalize(password));
    } catch {
      return false;
    }
  }

  /** Costs what a real verification costs, so unknown emails answer in the same time. */
  async dummyVerify(password: string): Promise<false> {
    this.dummy ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(await this.dummy, password);
    return false;
  }
}
