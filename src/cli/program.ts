import { Command, CommanderError } from 'commander';
import { loadConfig, ConfigError } from '../../config/index.js';
import { toProblem, isRedisUnavailable } from '../http/error-mapping.js';
import { CliFailure } from './failure.js';
import { CodedFailure } from './output.js';
import { redisUnreachable } from './context.js';
import { registerServe } from './commands/serve.js';
import { registerWorker } from './commands/worker.js';
import { registerDoctor } from './commands/doctor.js';
import { registerAdmin } from './commands/admin.js';
import { registerUsers } from './commands/users.js';
import { registerScimToken } from './commands/scim-token.js';
import { registerAudit } from './commands/audit.js';

// The rune-directory program: its commands, and how a run ends (main.ts runs it).
// Exit codes: 0 done; 1 a failure or a refusal (one line on stderr); 2 a usage error (one
// line naming it, and where to read the help); 78 a bad configuration variable (EX_CONFIG).

const NAME = 'rune-directory';

const EXIT_CODES = `
Exit codes:
  0   done
  1   the command failed or the directory refused it (one line on stderr, with the refusal's code)
  2   usage error: unknown command or option, missing or invalid argument
  78  invalid configuration (the line names the variable)

With --json, the answer is JSON on stdout; a failure is still one line on stderr, and also
{ "error": { "code", "message" } } on stdout.`;

/** How a run ends badly: the line for stderr, the code for --json, the exit code. */
interface Ending {
  code: string;
  line: string;
  /** For --json, when it differs from the line. */
  message?: string;
  exitCode: number;
}

class UsageError extends CliFailure {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message, 2);
  }
}

const commandPath = (command: Command): string => {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
};

export function buildProgram(io: CliOutput): Command {
  const program = new Command(NAME)
    .description('Rune Directory: users, roles, sessions, SCIM 2.0 and SAML SSO, backed by Redis')
    .addHelpText('after', EXIT_CODES)
    // Errors are printed once, as one line, by `end` below; help goes to stdout.
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => undefined });
  registerServe(program);
  registerWorker(program);
  registerDoctor(program);
  registerAdmin(program);
  registerUsers(program);
  registerScimToken(program);
  registerAudit(program);
  overrideExits(program);
  return program;
}

// Commander would exit by itself; every command instead throws, so that a usage error is one
// line that names the command whose help to read.
function overrideExits(command: Command): void {
  command.exitOverride((error: CommanderError) => {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') throw error;
    // A command group or the program without a command: its help is already on stderr.
    if (error.code === 'commander.help') throw error.exitCode === 0 ? error : new UsageError('missing_command', '');
    const what = error.message
      .replace(/^error: /, '')
      .replace(/\s*\n\s*/g, ' ')
      .replace(/\.$/, '');
    const code = error.code.replace(/^commander\./, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    throw new UsageError(code, `${what}; see ${commandPath(command)} --help`);
  });
  for (const sub of command.commands) overrideExits(sub);
}

function ending(error: unknown): Ending {
  if (error instanceof UsageError) return { code: error.code, line: error.message, exitCode: 2 };
  if (error instanceof CodedFailure) return { code: error.code, line: error.message, exitCode: error.exitCode };
  if (error instanceof CliFailure)
    return { code: error.exitCode === 2 ? 'usage' : 'failed', line: error.message, exitCode: error.exitCode };
  if (error instanceof ConfigError) {
    const [head, ...variables] = error.message.split(/\n\s*/);
    return {
      code: 'invalid_configuration',
      line: [head, variables.join('; ')].filter(Boolean).join(' '),
      exitCode: 78,
    };
  }
  // Redis went away during the command (it answered the first PING).
  if (isRedisUnavailable(error)) {
    const failure = redisUnreachable(loadConfig(), error instanceof Error ? error.message : String(error));
    return { code: failure.code, line: failure.message, exitCode: 1 };
  }
  // Refusals read as over HTTP: the directory's code and its words, from the one mapping.
  const problem = toProblem(error);
  if (problem)
    return { code: problem.code, line: `${problem.code}: ${problem.detail}`, message: problem.detail, exitCode: 1 };
  const message = error instanceof Error ? error.message : String(error);
  if (/^(debug|trace)$/.test(process.env.LOG_LEVEL ?? '') && error instanceof Error)
    process.stderr.write(`${error.stack}\n`);
  return { code: 'unexpected', line: `unexpected failure: ${message.split('\n')[0]}`, exitCode: 1 };
}

// --json names a command's output; an option value or an argument after `--` is not it.
const wantsJson = (args: string[]) => {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
};

/** Where help and failure lines go (the process's stdout and stderr, but for tests). */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: CliOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Runs the program on `argv` (as process.argv: node, script, args…) and answers the exit code. */
export async function runProgram(argv: string[], io: CliOutput = processOutput): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const end = ending(error);
    if (end.line) io.err(`${NAME}: ${end.line}\n`);
    if (wantsJson(argv.slice(2)))
      io.out(`${JSON.stringify({ error: { code: end.code, message: end.message ?? end.line } })}\n`);
    return end.exitCode;
  }
}
