#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../../config/index.js';
import { createLogger } from '../logger.js';
import { openRuntime, startServer, runWorkers } from '../runtime.js';
import { createPasswordUser } from '../auth/provision-user.js';
import { DirectoryError } from '../directory/index.js';
import { installProcessGuard } from '../process-guard.js';

// rune-directory: serve, run workers, and operate the directory from the shell.

const USAGE = `usage: rune-directory <command> [options]

commands:
  serve [--no-workers]   run the HTTP server (and the job workers unless --no-workers)
  worker                 run the job workers only
  doctor [--json]        check that every index agrees with the user records
  admin create --email E --name N [--json]
                         create an admin and print their temporary password (shown once)
  scim-token create --name N [--json]
                         create a SCIM bearer token for an identity provider (shown once)
`;

type Handler = (args: string[]) => Promise<number>;

function untilSignal(logger: ReturnType<typeof createLogger>): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'no-workers': { type: 'boolean' } } });
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  installProcessGuard(logger);
  const runtime = openRuntime(config, logger, { jobs: true });
  const workers = values['no-workers'] ? undefined : runWorkers(runtime);
  const running = await startServer(runtime);
  await untilSignal(logger);
  await running.close();
  await workers?.close();
  await runtime.close();
  return 0;
}

async function worker(args: string[]): Promise<number> {
  parseArgs({ args, options: {} });
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const runtime = openRuntime(config, logger);
  const workers = runWorkers(runtime);
  await untilSignal(logger);
  await workers.close();
  await runtime.close();
  return 0;
}

async function doctor(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
  const config = loadConfig();
  const runtime = openRuntime(config, createLogger('silent'));
  try {
    const report = await runtime.directory.checkIndexes();
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      process.stdout.write(`${report.users} users checked, ${report.mismatches.length} mismatches\n`);
      for (const m of report.mismatches) process.stdout.write(`  ${m.kind}  ${m.key}  ${JSON.stringify(m.member)}  ${m.detail}\n`);
    }
    return report.mismatches.length === 0 ? 0 : 1;
  } finally {
    await runtime.close();
  }
}

async function admin(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { email: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals[0] !== 'create' || !values.email || !values.name) {
    process.stderr.write('usage: rune-directory admin create --email E --name N [--json]\n');
    return 2;
  }
  const runtime = openRuntime(loadConfig(), createLogger('silent'));
  try {
    const { user, temporaryPassword } = await createPasswordUser(
      runtime,
      { email: values.email, name: values.name, role: 'admin' },
      { source: 'cli' },
    );
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ id: user.id, email: user.email, name: user.name, role: user.role, temporaryPassword })}\n`);
    } else {
      process.stdout.write(`Created admin ${user.name} <${user.email}> (${user.id}).\n`);
      process.stdout.write(`Temporary password (shown once; they must change it at first sign-in): ${temporaryPassword}\n`);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof DirectoryError)) throw error;
    process.stderr.write(`rune-directory: ${error.code}: ${error.message}\n`);
    return 1;
  } finally {
    await runtime.close();
  }
}

async function scimToken(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { name: { type: 'string' }, json: { type: 'boolean' } } });
  if (positionals[0] !== 'create' || !values.name) {
    process.stderr.write('usage: rune-directory scim-token create --name N [--json]\n');
    return 2;
  }
  const runtime = openRuntime(loadConfig(), createLogger('silent'));
  try {
    const created = await runtime.directory.createScimToken(values.name);
    await runtime.directory.appendAudit({ source: 'cli' }, 'scim_token.created', created.id, { name: created.name });
    if (values.json) process.stdout.write(`${JSON.stringify({ id: created.id, name: created.name, token: created.token })}\n`);
    else process.stdout.write(`Created SCIM token "${created.name}" (${created.id}).\nToken (shown once): ${created.token}\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}

const COMMANDS: Record<string, Handler> = { serve, worker, doctor, admin, 'scim-token': scimToken };

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const handler = command ? COMMANDS[command] : undefined;
  if (!handler) {
    process.stderr.write(USAGE);
    return command === undefined || command === '--help' ? 0 : 2;
  }
  return handler(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof ConfigError || error instanceof TypeError ? error.message : String((error as Error)?.stack ?? error);
    process.stderr.write(`rune-directory: ${message}\n`);
    process.exit(error instanceof ConfigError ? 78 : 1);
  },
);
