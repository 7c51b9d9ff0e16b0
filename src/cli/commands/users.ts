import { createInterface } from 'node:readline/promises';
import { Argument, Option, type Command } from 'commander';
import { ROLES, STATUSES, type Role, type Status, type UserRecord } from '../../directory/index.js';
import { presentUser } from '../../present/user.js';
import { resetPassword } from '../../auth/reset-password.js';
import { withRuntime, CLI_ACTOR } from '../context.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../directory/page-size.js';
import { usersLimit, findUser } from '../arguments.js';
import { CodedFailure, printJson, printLines, printTable, when } from '../output.js';

// `users …`: the admin API's user operations from the shell, through the same directory calls
// and the same rules (the CLI is an actor of source `cli`, audited; rule 2 holds, and the
// "yourself" rules have nobody to apply to). --json prints what the API answers.

const JSON_OPTION = ['--json', "print the answer as JSON (the API's shapes)"] as const;
const USER_ARGUMENT = ['<user>', "the user's id or email"] as const;

const describe = (user: UserRecord) => `${user.name} <${user.email}>`;

function printUser(user: UserRecord): void {
  printLines(
    `id:              ${user.id}`,
    `name:            ${user.name}`,
    `email:           ${user.email}`,
    `role:            ${user.role}`,
    `status:          ${user.status}`,
    `kind:            ${user.kind}`,
    `must change pw:  ${user.mustChangePassword ? 'yes' : 'no'}`,
    `created:         ${when(user.createdAt)}`,
    `last login:      ${when(user.lastLoginAt)}`,
    `active sessions: ${user.activeSessions}`,
  );
}

/** Deletion cannot be undone: ask on a terminal, and insist on --yes when nobody can answer. */
async function confirmDeletion(user: UserRecord, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) {
    throw new CodedFailure(
      'confirmation_required',
      `deleting ${describe(user)} cannot be undone: add --yes to confirm`,
      2,
    );
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt.question(`Delete ${describe(user)}? This cannot be undone. [y/N] `);
  prompt.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new CodedFailure('not_confirmed', 'nothing deleted');
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description('list and manage users');

  users
    .command('list')
    .description('list users, oldest first, a page at a time')
    .addOption(new Option('--status <status>', 'only active or only inactive users').choices(STATUSES))
    .addOption(new Option('--role <role>', 'only admins or only users').choices(ROLES))
    .option('--q <text>', 'a full email, or the start of a name or email')
    .option('--limit <n>', `users per page (1-${MAX_PAGE_SIZE})`, usersLimit, DEFAULT_PAGE_SIZE)
    .option('--cursor <cursor>', 'the next page, as printed by the previous one')
    .option(...JSON_OPTION)
    .action((options: { status?: Status; role?: Role; q?: string; limit: number; cursor?: string; json?: boolean }) =>
      withRuntime(async ({ directory }) => {
        const page = await directory.listUsers({
          status: options.status,
          role: options.role,
          q: options.q,
          limit: options.limit,
          cursor: options.cursor,
        });
        if (options.json) {
          printJson({ users: page.users.map(presentUser), nextCursor: page.nextCursor, total: page.total });
          return;
        }
        if (page.users.length === 0) {
          printLines(page.total === 0 ? 'No users match.' : 'No more users.');
          return;
        }
        printTable(
          ['NAME', 'EMAIL', 'ROLE', 'STATUS', 'KIND', 'LAST LOGIN'],
          page.users.map((u) => [u.name, u.email ?? '-', u.role, u.status, u.kind, when(u.lastLoginAt)]),
        );
        printLines(
          `${page.users.length} shown of ${page.total}${page.nextCursor ? `; next page: --cursor ${page.nextCursor}` : ''}`,
        );
      }),
    );

  users
    .command('show')
    .description('show one user')
    .argument(...USER_ARGUMENT)
    .option(...JSON_OPTION)
    .action((idOrEmail: string, options: { json?: boolean }) =>
      withRuntime(async ({ directory }) => {
        const user = await findUser(directory, idOrEmail);
        if (options.json) printJson({ user: presentUser(user) });
        else printUser(user);
      }),
    );

  users
    .command('set-role')
    .description('make a user an admin, or an admin a user (the last active admin stays one)')
    .argument(...USER_ARGUMENT)
    .addArgument(new Argument('<role>', 'the new role').choices(ROLES))
    .option(...JSON_OPTION)
    .action((idOrEmail: string, role: Role, options: { json?: boolean }) =>
      withRuntime(async ({ directory }) => {
        const user = await directory.updateUser((await findUser(directory, idOrEmail)).id, { role }, CLI_ACTOR);
        if (options.json) printJson({ user: presentUser(user) });
        else printLines(`${describe(user)} is now ${user.role === 'admin' ? 'an admin' : 'a user'}.`);
      }),
    );

  // As over HTTP, the deactivation takes effect here and ends every session; the clean-up job
  // (deleting the ended sessions' keys, auditing the count) is queued for the workers and not
  // waited for: the rule holds already, and a worker retries the clean-up if it fails.
  users
    .command('deactivate')
    .description('deactivate a user: they cannot sign in, and every session of theirs ends now')
    .argument(...USER_ARGUMENT)
    .option(...JSON_OPTION)
    .action((idOrEmail: string, options: { json?: boolean }) =>
      withRuntime(async (runtime) => {
        const id = (await findUser(runtime.directory, idOrEmail)).id;
        const { user } = await runtime.directory.deactivateUser(id, CLI_ACTOR);
        const job =
          user.sessionsToCleanUp > 0
            ? await runtime.jobRunner().cleanUpAfterDeactivation(id, CLI_ACTOR, { wait: false })
            : undefined;
        if (options.json) printJson({ user: presentUser(user), cleanUpJob: job?.jobId ?? null });
        else {
          printLines(
            `Deactivated ${describe(user)}.${job ? ` ${user.sessionsToCleanUp} sessions ended; clean-up job ${job.jobId} queued.` : ''}`,
          );
        }
      }),
    );

  users
    .command('activate')
    .description('activate a deactivated user')
    .argument(...USER_ARGUMENT)
    .option(...JSON_OPTION)
    .action((idOrEmail: string, options: { json?: boolean }) =>
      withRuntime(async ({ directory }) => {
        const { user } = await directory.activateUser((await findUser(directory, idOrEmail)).id, CLI_ACTOR);
        if (options.json) printJson({ user: presentUser(user) });
        else printLines(`Activated ${describe(user)}.`);
      }),
    );

  users
    .command('delete')
    .description('delete a user (deactivate a signed-in user first); asks on a terminal, else needs --yes')
    .argument(...USER_ARGUMENT)
    .option('--yes', 'delete without asking')
    .option(...JSON_OPTION)
    .action((idOrEmail: string, options: { yes?: boolean; json?: boolean }) =>
      withRuntime(async (runtime) => {
        const user = await findUser(runtime.directory, idOrEmail);
        await confirmDeletion(user, options.yes);
        const { sessionsLeft } = await runtime.directory.deleteUser(user.id, CLI_ACTOR);
        // Ended sessions of a deactivated user may still have keys: the clean-up job deletes them.
        if (sessionsLeft > 0)
          await runtime.jobRunner().cleanUpAfterDeactivation(user.id, CLI_ACTOR, { deleted: true, wait: false });
        if (options.json) printJson({ deleted: { id: user.id, email: user.email } });
        else printLines(`Deleted ${describe(user)}.`);
      }),
    );

  users
    .command('reset-password')
    .description(
      'give a password user a new temporary password (shown once); every session ends, and the next sign-in must change it',
    )
    .argument(...USER_ARGUMENT)
    .option('--json', 'print { user, temporaryPassword } as JSON')
    .action((idOrEmail: string, options: { json?: boolean }) =>
      withRuntime(async (runtime) => {
        const id = (await findUser(runtime.directory, idOrEmail)).id;
        const { user, temporaryPassword } = await resetPassword(
          { directory: runtime.directory, hasher: runtime.hasher, jobs: runtime.jobRunner() },
          id,
          CLI_ACTOR,
        );
        if (options.json) printJson({ user: presentUser(user), temporaryPassword });
        else {
          printLines(
            `Reset the password of ${describe(user)}; every session of theirs has ended.`,
            `Temporary password (shown once; they must change it at the next sign-in): ${temporaryPassword}`,
          );
        }
      }),
    );
}
