import type { JobsOptions } from 'bullmq';
import type { Source } from '../directory/index.js';
import { directoryKeys } from '../directory/keys.js';

// The job kinds, their payloads and options, shared by the server (producer) and the workers.
// Payloads carry ids only: never a password, a token or anything secret.

export const QUEUES = {
  deactivation: 'deactivation',
  sessionRevocation: 'session-revocation',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);

/**
 * The clean-up after a deactivation or a deletion, which took effect in the request (status
 * changed, sessions ended, or the user deleted): deletes the session keys left behind, audits.
 */
export interface DeactivationJob {
  userId: string;
  actorId?: string;
  source: Source;
  /** The request deleted the user (a SCIM DELETE, or an admin's of an inactive user). */
  deleted?: boolean;
}

export interface DeactivationResult {
  userId: string;
  sessionsRevoked: number;
  /** The user no longer exists. */
  deleted: boolean;
}

export type RevocationReason = 'admin' | 'password-change' | 'deactivation' | 'deletion';

export interface SessionRevocationJob {
  userId: string;
  actorId?: string;
  source: Source;
  reason: RevocationReason;
}

export interface SessionRevocationResult {
  userId: string;
  sessionsRevoked: number;
}

/** BullMQ keys share the directory's hash tag, so one Redis Cluster slot holds them all (keys.ts builds it). */
export const bullPrefix = (prefix: string) => directoryKeys(prefix).jobs;

export function jobOptions(attempts: number): JobsOptions {
  return {
    attempts,
    backoff: { type: 'exponential', delay: 250 },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
  };
}
