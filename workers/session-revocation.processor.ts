import type { Job } from 'bullmq';
import type { Directory } from '../src/directory/index.js';
import type { SessionRevocationJob, SessionRevocationResult } from '../src/jobs/queues.js';

/**
 * Deletes the sessions a user may no longer use (all of them when inactive, else those
 * ended by endAllSessions). Idempotent: a second run finds nothing left to delete.
 */
export function sessionRevocationProcessor(directory: Directory) {
  return async (job: Job<SessionRevocationJob>): Promise<SessionRevocationResult> => {
    const { userId, reason } = job.data;
    const sessionsRevoked = await directory.deleteEndedSessions(userId, (revoked) => job.updateProgress({ revoked }));
    if (sessionsRevoked > 0) {
      await directory.appendAudit({ actorId: job.data.actorId, source: job.data.source }, 'sessions.revoked', userId, {
        count: sessionsRevoked,
        reason,
      });
    }
    return { userId, sessionsRevoked };
  };
}
