import type { RedisClient } from './scripts.js';
import type { DirectoryKeys } from './keys.js';

/** What every directory command needs: a connection with the scripts defined, and key names. */
export interface DirectoryContext {
  readonly redis: RedisClient;
  readonly keys: DirectoryKeys;
  readonly auditMaxEvents: number;
}
