import { availableParallelism } from 'node:os';
import { AuthError } from './errors.js';
import { REFUSALS } from '../refusals.js';

/**
 * Bounds the password checks (argon2) of sign-ins and password changes in this process:
 * - at most `running` compute at once (one per core but one, so a core stays with the event
 *   loop and SCIM and the admin API keep their latency); the others wait their turn, in order;
 * - at most `admitted` (LOGIN_MAX_CONCURRENT) are in hand, running or waiting. One more is
 *   refused at once with login_busy (503 with Retry-After), before its attempt is counted by
 *   the throttle or any argon2 work starts: a flood cannot queue unbounded argon2 work, and
 *   the requests it loses cost nobody a throttle point (a flood alone cannot lock a user out;
 *   the attempts admitted are counted as ever).
 */
export class LoginGate {
  private inHand = 0;
  private computing = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly admitted: number,
    readonly running = Math.max(1, availableParallelism() - 1),
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.inHand >= this.admitted) throw new AuthError('login_busy', REFUSALS.login_busy.message);
    this.inHand++;
    try {
      if (this.computing >= this.running) await new Promise<void>((resolve) => this.waiting.push(resolve));
      else this.computing++;
      try {
        return await work();
      } finally {
        // The place passes to the next in line (which then counts as computing), else it is freed.
        const next = this.waiting.shift();
        if (next) next();
        else this.computing--;
      }
    } finally {
      this.inHand--;
    }
  }
}
