import { expect } from 'chai';
import { runCli, lines } from './run-cli.js';
import { runProgram } from '../../src/cli/program.js';

/** The program run in this process, as main.ts runs it: what it writes, and its exit code. */
async function inProcess(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runProgram(['node', 'rune-directory', ...args], {
    out: (t) => {
      stdout += t;
    },
    err: (t) => {
      stderr += t;
    },
  });
  return { code, stdout, stderr };
}

// Usage needs no Redis: help and usage errors answer before anything connects.
const NO_REDIS = { REDIS_URL: 'redis://127.0.0.1:1' };

// Every command and subcommand, with the options its help must mention.
const COMMANDS: [string[], string[]][] = [
  [[], ['serve', 'worker', 'doctor', 'admin', 'users', 'scim-token', 'audit', 'Exit codes']],
  [['serve'], ['--no-workers']],
  [['worker'], []],
  [['doctor'], ['--json']],
  [['admin'], ['create']],
  [
    ['admin', 'create'],
    ['--email', '--name', '--json'],
  ],
  [['users'], ['list', 'show', 'set-role', 'deactivate', 'activate', 'delete', 'reset-password']],
  [
    ['users', 'list'],
    ['--status', '--role', '--q', '--limit', '--cursor', '--json'],
  ],
  [
    ['users', 'show'],
    ['<user>', '--json'],
  ],
  [
    ['users', 'set-role'],
    ['<user>', '<role>', '--json'],
  ],
  [
    ['users', 'deactivate'],
    ['<user>', '--json'],
  ],
  [
    ['users', 'activate'],
    ['<user>', '--json'],
  ],
  [
    ['users', 'delete'],
    ['<user>', '--yes', '--json'],
  ],
  [
    ['users', 'reset-password'],
    ['<user>', '--json'],
  ],
  [['scim-token'], ['create', 'list', 'revoke']],
  [
    ['scim-token', 'create'],
    ['--name', '--json'],
  ],
  [['scim-token', 'list'], ['--json']],
  [
    ['scim-token', 'revoke'],
    ['<id>', '--json'],
  ],
  [['audit'], ['--limit', '--cursor', '--json']],
];

describe('cli: usage @slow', function () {
  this.timeout(180_000);

  // In this process: a child per command would take minutes on a busy machine; the children
  // below check that main.ts runs the same program.
  it('--help on every command and subcommand prints its usage and options on stdout, with exit code 0', async () => {
    for (const [path, mentions] of COMMANDS) {
      const run = await inProcess([...path, '--help']);
      const what = `rune-directory ${path.join(' ')} --help`;
      expect(run.code, what).to.equal(0);
      expect(run.stderr, what).to.equal('');
      expect(run.stdout, what).to.include(`Usage: rune-directory ${path.join(' ')}`.trimEnd());
      for (const mention of mentions) expect(run.stdout, `${what} mentions ${mention}`).to.include(mention);
    }
  });

  it("rune-directory --help and a subcommand's --help, as a process, print the help with exit code 0", async () => {
    const [top, sub] = await Promise.all([
      runCli(['--help'], NO_REDIS),
      runCli(['users', 'reset-password', '--help'], NO_REDIS),
    ]);
    expect(top.code).to.equal(0);
    expect(top.stdout).to.include('Usage: rune-directory').and.to.include('scim-token');
    expect(sub.code).to.equal(0);
    expect(sub.stdout).to.include('Usage: rune-directory users reset-password').and.to.include('--json');
  });

  it("a command group without its command prints the group's help on stderr, exit code 2", async () => {
    const run = await inProcess(['users']);
    expect(run.code).to.equal(2);
    expect(run.stdout).to.equal('');
    expect(run.stderr).to.include('Usage: rune-directory users');
  });

  it('help, help <command> and -h answer with the help and exit code 0', async () => {
    const help = await inProcess(['help']);
    const helpUsers = await inProcess(['help', 'users']);
    const dashH = await inProcess(['users', 'list', '-h']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.include('Usage: rune-directory');
    expect(helpUsers.code).to.equal(0);
    expect(helpUsers.stdout).to.include('Usage: rune-directory users');
    expect(dashH.code).to.equal(0);
    expect(dashH.stdout).to.include('--status');
  });

  it('an unknown command is one line naming it, with a hint, and exit code 2', async () => {
    const run = await runCli(['frobnicate'], NO_REDIS);
    expect(run.code).to.equal(2);
    expect(run.stdout).to.equal('');
    expect(lines(run.stderr)).to.deep.equal([
      "rune-directory: unknown command 'frobnicate'; see rune-directory --help",
    ]);
  });

  it('an unknown subcommand or option is one line naming it and the command whose help to read, exit code 2', async () => {
    const subcommand = await inProcess(['users', 'frobnicate']);
    const option = await inProcess(['users', 'list', '--frobnicate']);
    expect(subcommand.code).to.equal(2);
    expect(lines(subcommand.stderr)).to.deep.equal([
      "rune-directory: unknown command 'frobnicate'; see rune-directory users --help",
    ]);
    expect(option.code).to.equal(2);
    expect(lines(option.stderr)).to.deep.equal([
      "rune-directory: unknown option '--frobnicate'; see rune-directory users list --help",
    ]);
  });

  it('a missing required option or argument, or a value out of its choices, is one line and exit code 2', async () => {
    const runs = [
      await runCli(['admin', 'create', '--name', 'No Email'], NO_REDIS),
      await inProcess(['users', 'show']),
      await inProcess(['users', 'set-role', 'someone@corp.test', 'owner']),
      await inProcess(['audit', '--limit', '0', '--json']),
    ];
    const [email, user, role, limit] = runs;
    for (const run of runs) {
      expect(run.code, run.stderr).to.equal(2);
      expect(lines(run.stderr), run.stderr).to.have.length(1);
      expect(run.stderr).not.to.match(/\n\s+at /);
    }
    expect(email!.stderr).to.include("required option '--email <email>' not specified");
    expect(user!.stderr).to.include("missing required argument 'user'");
    expect(role!.stderr).to.include("value 'owner' is invalid for argument 'role'");
    expect(limit!.stderr).to.include('--limit');
    // With --json, scripts read the error from stdout as well.
    expect(JSON.parse(limit!.stdout).error.code).to.equal('invalid_argument');
  });
});
