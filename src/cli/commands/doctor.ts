import type { Command } from 'commander';
import { withRuntime } from '../context.js';
import { printJson, printLines } from '../output.js';

// `doctor`: checks that every index agrees with the user records; rc 1 when one does not.

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check that every index agrees with the user records (rc 1 on a mismatch)')
    .option('--json', 'print the report as JSON')
    .action((options: { json?: boolean }) =>
      withRuntime(async ({ directory }) => {
        const report = await directory.checkIndexes();
        if (options.json) printJson(report);
        else {
          printLines(`${report.users} users checked, ${report.mismatches.length} mismatches`);
          for (const m of report.mismatches)
            printLines(`  ${m.kind}  ${m.key}  ${JSON.stringify(m.member)}  ${m.detail}`);
        }
        // Not a failure line: the report is the answer, and stdout stays one JSON document.
        if (report.mismatches.length > 0) process.exitCode = 1;
      }),
    );
}
