import type { Directory, ScimTokenRecord } from '../directory/index.js';
import { hashToken } from '../directory/index.js';
import type { RedisClient } from '../redis/connection.js';
import { closeRedis } from '../redis/connection.js';
import type { Logger } from '../logger.js';

const TTL_MS = 30_000;
const MAX_ENTRIES = 1000;
const TOUCH_EVERY_MS = 60_000;

/**
 * Verified SCIM tokens, kept in memory so an IdP's request costs no Redis round trip for
 * authentication. A revocation reaches every server at once over pub/sub; the TTL bounds
 * how long a token could outlive a revocation announced while this server was disconnected.
 */
export class ScimTokenCache {
  private readonly entries = new Map<string, { record: ScimTokenRecord; until: number; touchedAt: number }>();
  private readonly subscriber: RedisClient;

  constructor(
    private readonly directory: Directory,
    subscriber: RedisClient,
    logger: Logger,
  ) {
    this.subscriber = subscriber;
    const channel = directory.keys.scimTokenRevocations;
    subscriber
      .subscribe(channel)
      .catch((error: Error) => logger.warn({ err: error.message }, 'SCIM token revocations: subscribe failed'));
    subscriber.on('message', (from: string, tokenHash: string) => {
      if (from === channel) this.forget(tokenHash);
    });
    // Anything announced while disconnected is missed: start afresh.
    subscriber.on('ready', () => this.entries.clear());
  }

  /** The token's record if it is valid; its last use is recorded at most once a minute. */
  async verify(token: string): Promise<ScimTokenRecord | null> {
    const tokenHash = hashToken(token);
    const now = Date.now();
    let entry = this.entries.get(tokenHash);
    if (!entry || entry.until < now) {
      const record = await this.directory.verifyScimTokenHash(tokenHash);
      if (!record) {
        this.entries.delete(tokenHash);
        return null;
      }
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      entry = { record, until: now + TTL_MS, touchedAt: entry?.touchedAt ?? 0 };
      this.entries.set(tokenHash, entry);
    }
    if (now - entry.touchedAt > TOUCH_EVERY_MS) {
      entry.touchedAt = now;
      this.directory.touchScimToken(tokenHash, now).catch(() => undefined);
    }
    return entry.record;
  }

  forget(tokenHash: string): void {
    this.entries.delete(tokenHash);
  }

  async close(): Promise<void> {
    await closeRedis(this.subscriber);
  }
}
