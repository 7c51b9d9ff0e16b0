import { CliFailure } from './failure.js';

// What commands print: JSON for scripts (--json) or short readable lines and tables for people.

/** A failure with a stable code, so that `--json` can name it as the API would. */
export class CodedFailure extends CliFailure {
  constructor(
    readonly code: string,
    message: string,
    exitCode: 1 | 2 | 78 = 1,
  ) {
    super(message, exitCode);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

// Names and token names come from IdPs and other admins: a control character (an ANSI escape)
// in one must not drive the operator's terminal. JSON output escapes them already.
const CONTROL = /\p{Cc}/gu;
const printable = (line: string) => line.replace(CONTROL, '\uFFFD');

export function printLines(...lines: string[]): void {
  process.stdout.write(lines.map((line) => `${printable(line)}\n`).join(''));
}

/** Columns padded to their widest cell; the last column is not padded. */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  printLines(line(headers), ...rows.map(line));
}

/** A date as people read it in a table: UTC, to the minute. */
export const when = (date: Date | null | undefined, none = 'never') =>
  date ? `${date.toISOString().slice(0, 16).replace('T', ' ')}Z` : none;
