import type { Command } from 'commander';
import { DirectoryError } from '../../directory/index.js';
import { presentScimToken } from '../../present/scim-token.js';
import { isUuid } from '../../http/ids.js';
import { withRuntime, CLI_ACTOR } from '../context.js';
import { printJson, printLines, printTable, when } from '../output.js';

// `scim-token …`: the bearer tokens identity providers provision with; shown once, stored hashed.

// The shape GET /api/v1/scim-tokens answers, from the same presenter.
const presentToken = presentScimToken;

export function registerScimToken(program: Command): void {
  const scimToken = program.command('scim-token').description('manage the SCIM bearer tokens of identity providers');

  scimToken
    .command('create')
    .description('create a SCIM bearer token for an identity provider (shown once)')
    .requiredOption('--name <name>', 'what the token is for, such as "Okta"')
    .option('--json', 'print { id, name, token } as JSON')
    .action((options: { name: string; json?: boolean }) =>
      withRuntime(async ({ directory }) => {
        const created = await directory.createScimToken(options.name);
        await directory.appendAudit(CLI_ACTOR, 'scim_token.created', created.id, { name: created.name });
        if (options.json) printJson({ id: created.id, name: created.name, token: created.token });
        else
          printLines(`Created SCIM token "${created.name}" (${created.id}).`, `Token (shown once): ${created.token}`);
      }),
    );

  scimToken
    .command('list')
    .description('list the SCIM tokens (never the tokens themselves)')
    .option('--json', 'print { tokens } as JSON, as the API answers')
    .action((options: { json?: boolean }) =>
      withRuntime(async ({ directory }) => {
        const tokens = await directory.listScimTokens();
        if (options.json) {
          printJson({ tokens: tokens.map(presentToken) });
          return;
        }
        printTable(
          ['NAME', 'ID', 'CREATED', 'LAST USED'],
          tokens.map((t) => [t.name, t.id, when(t.createdAt), when(t.lastUsedAt)]),
        );
      }),
    );

  // The directory announces the revocation, so running servers drop the token from their
  // caches at once (src/scim/token-cache.ts); the CLI caches none itself.
  scimToken
    .command('revoke')
    .description('revoke a SCIM token: identity providers using it are refused (401) at once')
    .argument('<id>', "the token's id, as `scim-token list` shows it")
    .option('--json', 'print { revoked: { id } } as JSON')
    .action((id: string, options: { json?: boolean }) =>
      withRuntime(async ({ directory }) => {
        if (!isUuid(id)) throw new DirectoryError('not_found', `no SCIM token with the id "${id}"`);
        // Its name, for the audit trail: once revoked, nothing else remembers it.
        const name = (await directory.listScimTokens()).find((t) => t.id === id)?.name;
        await directory.revokeScimToken(id);
        await directory.appendAudit(CLI_ACTOR, 'scim_token.revoked', id, name ? { name } : {});
        if (options.json) printJson({ revoked: { id } });
        else printLines(`Revoked SCIM token ${id}.`);
      }),
    );
}
