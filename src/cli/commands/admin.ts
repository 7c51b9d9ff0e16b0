import type { Command } from 'commander';
import { createPasswordUser } from '../../auth/provision-user.js';
import { withRuntime, CLI_ACTOR } from '../context.js';
import { printJson, printLines } from '../output.js';

// `admin create`: the first admin (or another), from the shell, with a temporary password
// shown once that they must change at their first sign-in.

export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('manage admins');
  admin
    .command('create')
    .description('create an admin and print their temporary password (shown once)')
    .requiredOption('--email <email>', "the admin's email address")
    .requiredOption('--name <name>', "the admin's name")
    .option('--json', 'print { id, email, name, role, temporaryPassword } as JSON')
    .action((options: { email: string; name: string; json?: boolean }) =>
      withRuntime(async (runtime) => {
        const { user, temporaryPassword } = await createPasswordUser(
          runtime,
          { email: options.email, name: options.name, role: 'admin' },
          CLI_ACTOR,
        );
        if (options.json)
          printJson({ id: user.id, email: user.email, name: user.name, role: user.role, temporaryPassword });
        else {
          printLines(
            `Created admin ${user.name} <${user.email}> (${user.id}).`,
            `Temporary password (shown once; they must change it at first sign-in): ${temporaryPassword}`,
          );
        }
      }),
    );
}
