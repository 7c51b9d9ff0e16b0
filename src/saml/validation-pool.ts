import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { SamlError, BUSY } from './errors.js';
import type { ValidationOutcome } from './response-validator.js';
import type { ValidationSettings } from './saml-settings.js';

// Validating one signed response costs 10–15 ms of CPU (XPath, canonicalisation, RSA, GC).
// On the event loop that would stall every other request behind each SSO login, so it runs in
// a pool of worker threads and the event loop only awaits the outcome. Each task carries the
// settings it is checked against, so that certificates fetched from the IdP's metadata reach
// every thread at once, with no restart of the pool.

// The worker is this folder's validation-worker: .ts when run from source under tsx (the
// threads inherit tsx's --import), .js once built into dist/.
export const VALIDATION_WORKER_FILE = fileURLToPath(
  new URL(`./validation-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

/** Tasks waiting for a thread, per thread, before new logins are told to come back (503). */
const QUEUE_PER_THREAD = 64;
/** Threads not needed for this long exit; the pool starts them again on demand. */
const IDLE_TIMEOUT_MS = 60_000;

/** One task: a posted SAMLResponse and whom to trust for it. */
export interface ValidationTask {
  samlResponse: string;
  settings: ValidationSettings;
}

export class SamlValidationPool {
  private readonly piscina: Piscina<ValidationTask, ValidationOutcome>;

  /** `settings`: the default for tasks that bring none (a fixed IdP, as in the bench). */
  constructor(
    private readonly settings: ValidationSettings | undefined,
    size: number,
  ) {
    this.piscina = new Piscina({
      filename: VALIDATION_WORKER_FILE,
      // Threads start with the first login, not with every server that has SAML configured.
      minThreads: 0,
      maxThreads: size,
      idleTimeout: IDLE_TIMEOUT_MS,
      maxQueue: size * QUEUE_PER_THREAD,
    });
  }

  async validate(samlResponse: string, settings = this.settings): Promise<ValidationOutcome> {
    if (!settings) throw new Error('SamlValidationPool.validate: no settings given, and the pool has no default');
    try {
      return await this.piscina.run({ samlResponse, settings });
    } catch (error) {
      if (error instanceof Error && /queue is at limit/i.test(error.message)) throw new SamlError('saml_busy', BUSY);
      throw error;
    }
  }

  get threads(): number {
    return this.piscina.threads.length;
  }

  close(): Promise<void> {
    return this.piscina.close();
  }
}
