import { createHash, timingSafeEqual } from 'node:crypto';
import type { RedisClient } from '../redis/connection.js';
import type { DirectoryKeys } from '../directory/keys.js';

// SAML state in Redis, under the directory's hash tag: the login requests we issued (each bound
// to one browser, consumed once) and the assertions already used (replay). node-saml's own
// request cache reads and removes in two steps and is shared by every browser; this one is not.

export interface IssuedRequest {
  /** Where to send the browser after the login; already checked by safeRelayPath. */
  relayState: string;
}

export type ConsumedRequest = ({ status: 'ok' } & IssuedRequest) | { status: 'unknown' | 'other_browser' };

interface StoredRequest {
  /** SHA-256 of the browser's login-cookie secret: a Redis reader cannot replay it as a cookie. */
  browser: string;
  relayState: string;
}

const digest = (secret: string) => createHash('sha256').update(secret).digest('hex');

export class SamlRequestStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Pick<DirectoryKeys, 'samlRequest' | 'samlAssertionSeen'>,
  ) {}

  requestKey = (requestId: string) => this.keys.samlRequest(requestId);
  seenKey = (assertionId: string) => this.keys.samlAssertionSeen(assertionId);

  /** Records a request issued to the browser holding `browserSecret`; false if the id was taken. */
  async issue(requestId: string, browserSecret: string, request: IssuedRequest, ttlSeconds: number): Promise<boolean> {
    const stored: StoredRequest = { browser: digest(browserSecret), relayState: request.relayState };
    return (await this.redis.set(this.requestKey(requestId), JSON.stringify(stored), 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  /**
   * Takes the request out in one step (GETDEL), so that of any number of concurrent posts of
   * one response only one finds it. A post from another browser burns it too: the response it
   * carries was meant for someone else and must not be tried again.
   */
  async consume(requestId: string, browserSecret: string | undefined): Promise<ConsumedRequest> {
    const raw = await this.redis.getdel(this.requestKey(requestId));
    if (raw === null) return { status: 'unknown' };
    const stored = JSON.parse(raw) as StoredRequest;
    const expected = Buffer.from(stored.browser, 'hex');
    const presented = Buffer.from(digest(browserSecret ?? ''), 'hex');
    if (!browserSecret || !timingSafeEqual(expected, presented)) return { status: 'other_browser' };
    return { status: 'ok', relayState: stored.relayState };
  }

  /** Marks an assertion used until it expires anyway; false if it had been used already. */
  async markAssertionUsed(assertionId: string, untilMs: number): Promise<boolean> {
    const ttlMs = Math.max(1000, Math.ceil(untilMs - Date.now()));
    return (await this.redis.set(this.seenKey(assertionId), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }
}
