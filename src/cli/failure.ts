// How a command ends badly: the CLI prints the message as one line on stderr and exits with
// the code (1 for a failure, 2 for a usage error, 78 for bad configuration), never a stack.

export class CliFailure extends Error {
  override name = 'CliFailure';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 78 = 1,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliFailure(message, 2);
