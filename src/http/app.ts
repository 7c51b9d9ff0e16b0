import express, { type Express } from 'express';
import type { Config } from '../../config/index.js';
import type { Directory } from '../directory/index.js';
import type { RedisClient } from '../redis/connection.js';
import type { Logger } from '../logger.js';
import { healthRoutes, type HealthState } from './health.js';

export interface AppDeps {
  config: Config;
  redis: RedisClient;
  directory: Directory;
  logger: Logger;
  health: HealthState;
}

/** Assembles the HTTP application from its routers. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(healthRoutes(deps.redis, deps.health));
  return app;
}
