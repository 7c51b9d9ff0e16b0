import type { Job } from 'bullmq';
import { DirectoryError, type Directory } from '../src/directory/index.js';
import { refusalError } from '../src/jobs/refusal.js';
import type { DeactivationJob, DeactivationResult } from '../src/jobs/queues.js';

// Rule refusals end the job for good; anything else (Redis hiccups) is retried with backoff.
const REFUSALS = new Set(['last_active_admin', 'cannot_deactivate_self', 'cannot_delete_self', 'not_found', 'active_sessions']);

const asRefusal = (error: unknown) =>
  error instanceof DirectoryError && REFUSALS.has(error.code) ? refusalError(error) : error;

/**
 * Deactivates a user (the directory enforces the rules atomically), revokes their sessions,
 * and for a SCIM DELETE then deletes them. Every step is idempotent, so a retry or a second
 * worker picking up a stalled job ends in the same state as one clean run.
 */
export function deactivationProcessor(directory: Directory) {
  return async (job: Job<DeactivationJob>): Promise<DeactivationResult> => {
    const { userId, thenDelete } = job.data;
    const actor = { actorId: job.data.actorId, source: job.data.source };

    let changed = false;
    try {
      changed = (await directory.deactivateUser(userId, actor)).changed;
    } catch (error) {
      // A deletion run again after it succeeded (retry, stalled job) finds nobody: the outcome it wanted.
      if (thenDelete && error instanceof DirectoryError && error.code === 'not_found') {
        return { userId, changed: false, sessionsRevoked: 0, deleted: true };
      }
      throw asRefusal(error);
    }

    const sessionsRevoked = await directory.revokeAllSessions(userId, (revoked) => job.updateProgress({ revoked }));
    if (sessionsRevoked > 0) {
      await directory.appendAudit(actor, 'sessions.revoked', userId, { count: sessionsRevoked, reason: 'deactivation' });
    }

    if (thenDelete) {
      try {
        await directory.deleteUser(userId, actor);
      } catch (error) {
        if (!(error instanceof DirectoryError && error.code === 'not_found')) throw asRefusal(error);
      }
    }
    return { userId, changed, sessionsRevoked, deleted: thenDelete === true };
  };
}
