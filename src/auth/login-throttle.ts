import { createHash } from 'node:crypto';
import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '../redis/connection.js';
import { AuthError } from './errors.js';

// Failed sign-ins are counted in Redis three ways:
//  - per account and IP: a few failures, then that pair waits out the window;
//  - per IP: many failures across accounts (password spraying);
//  - per account from anywhere: a distributed guess at one account.
// The last would let an attacker keep a real user out, so it never applies to an IP that
// has signed in to that account successfully before: the user's own network still works.

export interface ThrottleOptions {
  prefix: string;
  maxFailures: number;
  windowSeconds: number;
}

const KNOWN_IPS_KEPT = 20;
const KNOWN_IP_DAYS = 30;
const hash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

export class LoginThrottle {
  private readonly pair: RateLimiterRedis;
  private readonly ip: RateLimiterRedis;
  private readonly account: RateLimiterRedis;
  private readonly limits: { pair: number; ip: number; account: number };

  constructor(private readonly redis: RedisClient, private readonly options: ThrottleOptions) {
    const base = `{${options.prefix}}:rl`;
    const make = (name: string, points: number) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix: `${base}:${name}`, points, duration: options.windowSeconds });
    this.limits = { pair: options.maxFailures, ip: options.maxFailures * 20, account: options.maxFailures * 10 };
    this.pair = make('login-pair', this.limits.pair);
    this.ip = make('login-ip', this.limits.ip);
    this.account = make('login-account', this.limits.account);
  }

  private knownKey(email: string) {
    return `{${this.options.prefix}}:login:known:${hash(email)}`;
  }

  /** Refuses with rate_limited (and when to retry) if this attempt is over a limit. */
  async check(email: string, ip: string): Promise<void> {
    const [pair, byIp, account, known] = await Promise.all([
      this.pair.get(`${hash(email)}:${ip}`),
      this.ip.get(ip),
      this.account.get(hash(email)),
      this.redis.zscore(this.knownKey(email), hash(ip)),
    ]);
    const over = (res: RateLimiterRes | null, limit: number) => (res && res.consumedPoints >= limit ? res.msBeforeNext : 0);
    const waitMs = Math.max(
      over(pair, this.limits.pair),
      over(byIp, this.limits.ip),
      known === null ? over(account, this.limits.account) : 0,
    );
    if (waitMs > 0) {
      const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new AuthError('rate_limited', `Too many failed sign-ins. Try again in ${retryAfterSeconds} seconds.`, {
        retryAfterSeconds,
      });
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const consume = (limiter: RateLimiterRedis, key: string) => limiter.consume(key).catch(() => undefined);
    await Promise.all([consume(this.pair, `${hash(email)}:${ip}`), consume(this.ip, ip), consume(this.account, hash(email))]);
  }

  async recordSuccess(email: string, ip: string): Promise<void> {
    const key = this.knownKey(email);
    await Promise.all([
      this.pair.delete(`${hash(email)}:${ip}`),
      this.redis
        .multi()
        .zadd(key, Date.now(), hash(ip))
        .zremrangebyrank(key, 0, -KNOWN_IPS_KEPT - 1)
        .expire(key, KNOWN_IP_DAYS * 86_400)
        .exec(),
    ]);
  }
}
