import { isDeepStrictEqual } from 'node:util';
import { ResponseValidator, type ValidationOutcome } from './response-validator.js';
import type { ValidationSettings } from './saml-settings.js';
import type { ValidationTask } from './validation-pool.js';

// Entry of a validation worker thread (piscina): one posted SAMLResponse per task, checked with
// the settings the task carries. The validator is kept while the settings stay the same, and
// built again when they change (the IdP's metadata brought new certificates).

let current: { settings: ValidationSettings; validator: ResponseValidator } | undefined;

export default function validateInWorker(task: ValidationTask): Promise<ValidationOutcome> {
  if (!current || !isDeepStrictEqual(current.settings, task.settings)) {
    current = { settings: task.settings, validator: new ResponseValidator(task.settings) };
  }
  return current.validator.validate(task.samlResponse);
}
