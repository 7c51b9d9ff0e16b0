import { createHash } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '../redis/connection.js';
import { directoryKeys, type DirectoryKeys } from '../directory/keys.js';
import { AuthError } from './errors.js';

// Every sign-in attempt is counted BEFORE its password is checked, each count an atomic
// increment-and-read in Redis (rate-limiter-flexible's consume), so N parallel attempts can
// never all pass a check that only the first few may pass. Three counters, one window:
//  - account and address: `maxFailures`, then that pair waits out the window;
//  - address: 20 x maxFailures across accounts (password spraying);
//  - account from anywhere: 10 x maxFailures. Past it the account is never locked: an address
//    that signed in to it before is not affected at all, and every other address may make one
//    attempt, then waits 2^n seconds (n: attempts on the account beyond its limit, at most
//    SLOW_DOWN_CAP_SECONDS). A fresh address always gets its first attempt, so a user who never
//    signed in still can, while an attacker's addresses get a few guesses an hour each.
// A proven password gives the attempt's points back; anything else keeps them.

export interface ThrottleOptions {
  prefix: string;
  maxFailures: number;
  windowSeconds: number;
}

/** 20 minutes: past the account's limit an unknown address gets at most three attempts an hour. */
export const SLOW_DOWN_CAP_SECONDS = 1200;
const KNOWN_IPS_KEPT = 20;
const KNOWN_IP_DAYS = 30;
const hash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

const TOO_MANY_SIGN_INS = (seconds: number) => `Too many failed sign-ins. Try again in ${seconds} seconds.`;
const TOO_MANY_PASSWORD_CHECKS = (seconds: number) =>
  `Too many wrong current passwords. Try again in ${seconds} seconds.`;

/** Consumes one point; a refusal is an answer (the point was still counted), not an error. */
async function take(
  limiter: RateLimiterRedis,
  key: string,
  options?: { customDuration: number },
): Promise<RateLimiterRes> {
  try {
    return await limiter.consume(key, 1, options);
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) return refusal;
    throw refusal;
  }
}

const rateLimited = (waitMs: number, words: (seconds: number) => string) => {
  const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new AuthError('rate_limited', words(retryAfterSeconds), { retryAfterSeconds });
};

export class LoginThrottle {
  private readonly pair: RateLimiterRedis;
  private readonly ip: RateLimiterRedis;
  private readonly account: RateLimiterRedis;
  /** One point per unknown address while the account is over its limit; it lasts the delay. */
  private readonly slow: RateLimiterRedis;
  private readonly passwordChange: RateLimiterRedis;
  private readonly limits: { pair: number; ip: number; account: number };
  private readonly keys: DirectoryKeys;

  constructor(
    private readonly redis: RedisClient,
    options: ThrottleOptions,
  ) {
    this.keys = directoryKeys(options.prefix);
    const make = (name: Parameters<DirectoryKeys['throttle']>[0], points: number) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: this.keys.throttle(name),
        points,
        duration: options.windowSeconds,
      });
    this.limits = { pair: options.maxFailures, ip: options.maxFailures * 20, account: options.maxFailures * 10 };
    this.pair = make('login-pair', this.limits.pair);
    this.ip = make('login-ip', this.limits.ip);
    this.account = make('login-account', this.limits.account);
    this.slow = make('login-slow', 1);
    this.passwordChange = make('password-change', options.maxFailures);
  }

  /** Counts this sign-in attempt; refuses with rate_limited (and when to retry) when it is over a limit. */
  async consume(email: string, ip: string): Promise<void> {
    const pairKey = `${hash(email)}:${ip}`;
    const [pair, byIp, account, known] = await Promise.all([
      take(this.pair, pairKey),
      take(this.ip, ip),
      take(this.account, hash(email)),
      this.redis.zscore(this.keys.knownAddresses(hash(email)), hash(ip)),
    ]);
    const over = (res: RateLimiterRes, limit: number) => (res.consumedPoints > limit ? res.msBeforeNext : 0);
    let waitMs = Math.max(over(pair, this.limits.pair), over(byIp, this.limits.ip));
    const beyond = account.consumedPoints - this.limits.account;
    if (waitMs === 0 && beyond > 0 && known === null) {
      const delay = Math.min(2 ** Math.min(beyond, 30), SLOW_DOWN_CAP_SECONDS);
      waitMs = over(await take(this.slow, pairKey, { customDuration: delay }), 1);
    }
    if (waitMs > 0) throw rateLimited(waitMs, TOO_MANY_SIGN_INS);
  }

  /** The password was right: this attempt's points go back (the pair's all of them). */
  async passed(email: string, ip: string): Promise<void> {
    const pairKey = `${hash(email)}:${ip}`;
    await Promise.all([
      this.pair.delete(pairKey),
      this.slow.delete(pairKey),
      this.ip.reward(ip, 1),
      this.account.reward(hash(email), 1),
    ]);
  }

  /** Signed in: as passed, and the address is one the account's owner uses from now on. */
  async signedIn(email: string, ip: string): Promise<void> {
    const key = this.keys.knownAddresses(hash(email));
    await Promise.all([
      this.passed(email, ip),
      this.redis
        .multi()
        .zadd(key, Date.now(), hash(ip))
        .zremrangebyrank(key, 0, -KNOWN_IPS_KEPT - 1)
        .expire(key, KNOWN_IP_DAYS * 86_400)
        .exec(),
    ]);
  }

  /** Counts one current-password check of POST /auth/password, before it is made. */
  async consumePasswordCheck(userId: string): Promise<void> {
    const res = await take(this.passwordChange, userId);
    if (res.consumedPoints > this.limits.pair) throw rateLimited(res.msBeforeNext, TOO_MANY_PASSWORD_CHECKS);
  }

  /** The current password was right: the count starts again. */
  async passwordCheckPassed(userId: string): Promise<void> {
    await this.passwordChange.delete(userId);
  }
}
