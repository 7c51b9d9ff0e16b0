import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';
import type { RedisClient } from '../redis/connection.js';
import type { Directory } from '../directory/index.js';
import type { PasswordHasher } from '../auth/password-hasher.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import type { JobRunner } from '../jobs/job-runner.js';
import type { ScimTokenCache } from '../scim/token-cache.js';
import type { SamlValidationPool } from '../saml/validation-pool.js';
import type { IdpMetadataRefresher } from '../saml/idp-metadata-refresher.js';
import type { HealthState } from './health.js';

// In a module of its own, not in app.ts: app.ts imports every router, and a router importing
// app.ts back made an import cycle of eleven modules. Each router takes `Pick<AppDeps, …>` of
// what it uses, so its signature says which parts of the service it can reach.

/** What the HTTP app is built from: a runtime opened with `jobs: true` (runtime.ts's serverDeps), and the health state. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  redis: RedisClient;
  directory: Directory;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  jobs: JobRunner;
  scimTokens: ScimTokenCache;
  /** Present when SAML is configured. */
  samlPool?: SamlValidationPool;
  /** Present when SAML_IDP_METADATA_URL is set. */
  samlIdp?: IdpMetadataRefresher;
  health: HealthState;
}
