import type { RedisClient } from '../redis/connection.js';
import { DirectoryError } from './errors.js';

// The security writes: once acknowledged they must survive the loss of the primary, so where
// replicas are expected (REDIS_MIN_REPLICAS_ACKED, 1 with Sentinel) each waits for them (WAIT)
// before it is acknowledged. Creation is one too, so an acknowledged user is never lost either.
// scripts.ts's runScript asks replicaAcksFor for each script it runs: this is the one place.
const DURABLE: ReadonlySet<string> = new Set([
  'create-user',
  'update-user', // role changes, and SCIM's active: false
  'deactivate-user',
  'set-status', // deactivation and activation, should the two scripts become one
  'delete-user',
  'set-password',
  'convert-to-sso',
  'revoke-session',
  'end-all-sessions',
  'group-write', // with SCIM_ADMIN_GROUPS a membership change is a role change
  'group-delete',
]);

export interface ReplicaAcks {
  /** A connection of its own: WAIT blocks the connection it runs on, and counts the writes made on it. */
  client: RedisClient;
  replicas: number;
  timeoutMs: number;
}

const replicaAcks = new WeakMap<RedisClient, ReplicaAcks>();

/**
 * From now on the durable scripts of `redis` run on `acks.client` (where the scripts must be
 * defined) and are acknowledged only once `acks.replicas` replicas have them; else they are
 * refused with replica_unconfirmed (503).
 */
export function requireReplicaAcks(redis: RedisClient, acks: ReplicaAcks): void {
  replicaAcks.set(redis, acks);
}

/** Where a script must wait for replicas: the connection and count to use, else undefined. */
export function replicaAcksFor(redis: RedisClient, script: string): ReplicaAcks | undefined {
  return DURABLE.has(script) ? replicaAcks.get(redis) : undefined;
}

/**
 * WAIT counts the replicas that hold every write made so far on this connection, the script's
 * included. When too few answer in time (or the connection fails meanwhile), the write was made
 * on the primary but may be lost with it: replica_unconfirmed, and the client repeats the request.
 */
export async function confirmReplicated(acks: ReplicaAcks, script: string): Promise<void> {
  const acked = await acks.client.wait(acks.replicas, acks.timeoutMs).catch((error: Error) => error);
  if (typeof acked === 'number' && acked >= acks.replicas) return;
  const why =
    typeof acked === 'number' ? `${acked} of ${acks.replicas} replicas in ${acks.timeoutMs} ms` : acked.message;
  throw new DirectoryError(
    'replica_unconfirmed',
    `${script} was made on the primary but no replica confirmed it (${why})`,
  );
}
