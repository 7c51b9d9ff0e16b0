import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

// Console tables and the JSON results file of a bench.

export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
export const fmtMs = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 3 : 1) : '-');
export const fmtRatio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '-');
export function fmtBytes(n: number): string {
  if (Math.abs(n) < 1024) return `${Math.round(n)} B`;
  if (Math.abs(n) < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A plain-text table; columns whose header starts with '>' are right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const right = headers.map((h) => h.startsWith('>'));
  const head = headers.map((h) => h.replace(/^>/, ''));
  const cells = rows.map((row) => row.map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (row: readonly string[]) =>
    row.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export interface Target {
  name: string;
  measured: string;
  limit: string;
  pass: boolean;
}

export const passFail = (pass: boolean) => (pass ? 'PASS' : 'FAIL');

/** The closing table of every bench: each target, what was measured, its limit, PASS or FAIL. */
export const targetsTable = (targets: readonly Target[]) =>
  table(['target', '>measured', '>limit', 'result'], targets.map((x) => [x.name, x.measured, x.limit, passFail(x.pass)]));

/** The 1, 5 and 15 minute load averages, for the console. */
export const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

/** Where a result was measured, for the JSON results (a bench adds its own fields). */
export function environment(redisVersion: string) {
  return {
    node: process.version, redis: redisVersion, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model.trim(),
    platform: `${os.platform()} ${os.arch()}`, loadAverageAtEnd: os.loadavg(),
  };
}

/** Writes bench/results/<name>.json and answers its path. */
export async function writeResults(name: string, data: unknown): Promise<string> {
  const dir = new URL('../results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const file = new URL(`${name}.json`, dir);
  await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
  return fileURLToPath(file);
}
