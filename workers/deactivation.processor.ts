import type { Job } from 'bullmq';
import type { Directory } from '../src/directory/index.js';
import type { DeactivationJob, DeactivationResult } from '../src/jobs/queues.js';

/**
 * Cleans up after a deactivation or deletion that already took effect in the request: deletes
 * the session keys the user may no longer use, in batches, and audits how many. It changes no
 * status: a user reactivated meanwhile stays active and keeps the sessions opened since (only
 * those the deactivation ended go). Idempotent, so a retry or a second worker picking up a
 * stalled job ends in the same state as one clean run; it has nothing to refuse.
 */
export function deactivationProcessor(directory: Directory) {
  return async (job: Job<DeactivationJob>): Promise<DeactivationResult> => {
    const { userId } = job.data;
    const actor = { actorId: job.data.actorId, source: job.data.source };
    const sessionsRevoked = await directory.deleteEndedSessions(userId, (revoked) => job.updateProgress({ revoked }));
    const deleted = (await directory.getUser(userId)) === null;
    if (sessionsRevoked > 0) {
      await directory.appendAudit(actor, 'sessions.revoked', userId, {
        count: sessionsRevoked,
        reason: deleted ? 'deletion' : 'deactivation',
      });
    }
    return { userId, sessionsRevoked, deleted };
  };
}
