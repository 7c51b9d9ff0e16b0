import { workerData } from 'piscina';
import { ResponseValidator, type ValidationOutcome } from './response-validator.js';
import type { ValidationSettings } from './saml-settings.js';

// Entry of a validation worker thread (piscina): one validator per thread, built once from the
// settings the pool passed, then one posted SAMLResponse per task.

const validator = new ResponseValidator(workerData as ValidationSettings);

export default function validateInWorker(samlResponse: string): Promise<ValidationOutcome> {
  return validator.validate(samlResponse);
}
