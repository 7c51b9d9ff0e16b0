import { AuthError } from './errors.js';
import { REFUSALS } from '../refusals.js';

/**
 * Bounds the password checks (argon2) in flight: LOGIN_MAX_CONCURRENT sign-ins and password
 * changes at once in this process. One more is refused at once with login_busy (503 with
 * Retry-After), before its attempt is counted against the account or any argon2 work starts:
 * a flood cannot queue up argon2 work that starves SCIM and the admin API, and the requests it
 * loses cost nobody a throttle point (so a flood alone cannot lock a user out; the attempts that
 * get through are counted as ever).
 */
export class LoginGate {
  private inFlight = 0;

  constructor(readonly max: number) {}

  get busy(): number {
    return this.inFlight;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.max) throw new AuthError('login_busy', REFUSALS.login_busy.message);
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
    }
  }
}
