import type { Response } from 'express';
import type { JobOutcome } from '../jobs/job-runner.js';
import { problemOf } from '../http/problem.js';
import { refusalProblem } from '../http/error-mapping.js';

/**
 * Answers an admin call that ran as a job: 200 with `done()`'s body when it completed in
 * time, the refusal's own status and code (from src/refusals.ts) when refused, job_failed when it failed, 202 with the
 * job's URL while it still runs (with `meanwhile`'s fields: what the request itself already did).
 */
export async function respondWithJob<T>(
  res: Response,
  outcome: JobOutcome<T>,
  done: (value: T) => Promise<object>,
  meanwhile: object = {},
): Promise<void> {
  switch (outcome.state) {
    case 'completed':
      res.json(await done(outcome.value));
      return;
    case 'refused':
      throw refusalProblem(outcome.code, outcome.detail, { job: outcome.jobId });
    case 'failed':
      throw problemOf('job_failed', `The job failed: ${outcome.detail}`, { job: outcome.jobId });
    case 'pending': {
      const url = `/api/v1/jobs/${outcome.jobId}`;
      res
        .status(202)
        .location(url)
        .json({ ...meanwhile, job: { id: outcome.jobId, state: 'pending', url } });
    }
  }
}
