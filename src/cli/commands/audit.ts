import type { Command } from 'commander';
import { withRuntime } from '../context.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../directory/page-size.js';
import { auditLimit, auditCursor } from '../arguments.js';
import { printJson, printLines } from '../output.js';

// `audit`: who did what to whom, from which source, newest first.

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('show the audit log, newest first, one line per event')
    .option('--limit <n>', `events per page (1-${MAX_PAGE_SIZE})`, auditLimit, DEFAULT_PAGE_SIZE)
    .option('--cursor <cursor>', 'the next page, as printed by the previous one', auditCursor)
    .option('--json', 'print { events, nextCursor } as JSON, as the API answers')
    .action((options: { limit: number; cursor?: string; json?: boolean }) =>
      withRuntime(async ({ directory }) => {
        const page = await directory.listAudit({ before: options.cursor, limit: options.limit });
        if (options.json) {
          printJson({
            events: page.events.map((e) => ({ ...e, at: e.at.toISOString() })),
            nextCursor: page.nextCursor,
          });
          return;
        }
        for (const e of page.events) {
          const who = e.actor ? `${e.actor} (${e.source})` : e.source;
          printLines(`${e.at.toISOString()}  ${who}  ${e.action}  ${e.target}`);
        }
        if (page.nextCursor) printLines(`next page: --cursor ${page.nextCursor}`);
      }),
    );
}
