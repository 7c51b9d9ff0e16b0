import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

// Console tables, same-run ratio targets, and the JSON results file of a bench.

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
    row
      .map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export interface Target {
  name: string;
  measured: string;
  limit: string;
  pass: boolean;
}

/**
 * A target on a same-run ratio, `ours / baseline` (both measured in this run, so a slower or busier
 * machine moves both): `atLeast` for a throughput, `atMost` for a latency. The absolute figures are
 * shown beside the ratio; `failures` (answers that failed their check) fail the target outright.
 */
export function ratioTarget(
  name: string,
  ours: number,
  baseline: number,
  limit: { atLeast: number } | { atMost: number },
  unit: string,
  failures = 0,
): Target {
  const ratio = ours / baseline;
  const fmt = (n: number) => (unit === 'ms' ? fmtMs(n) : n >= 100 ? fmtInt(n) : n.toFixed(1));
  const pass = failures === 0 && ('atLeast' in limit ? ratio >= limit.atLeast : ratio <= limit.atMost);
  return {
    name,
    measured: `${fmtRatio(ratio)} (${fmt(ours)} / ${fmt(baseline)} ${unit})${failures > 0 ? `, ${fmtInt(failures)} failed` : ''}`,
    limit: 'atLeast' in limit ? `>= ${limit.atLeast}×` : `<= ${limit.atMost}×`,
    pass,
  };
}

/** The closing table of every bench: each target, what was measured, its limit, PASS or FAIL. */
export const targetsTable = (targets: readonly Target[]) =>
  table(
    ['target', '>measured', '>limit', 'result'],
    targets.map((x) => [x.name, x.measured, x.limit, x.pass ? 'PASS' : 'FAIL']),
  );

/** Node, Redis, the CPUs and the load average: the first line of every bench. */
export const environmentLine = (redisVersion: string) =>
  `Node ${process.version}, Redis ${redisVersion}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? '?'}); load average ${loadAverage()}`;

/** The 1, 5 and 15 minute load averages, for the console. */
export const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** Writes bench/results/<name>.json (what a bench returned, and where it ran) and answers its path. */
export async function writeResults(name: string, data: object): Promise<string> {
  const dir = new URL('../results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const file = new URL(`${name}.json`, dir);
  const environment = { node: process.version, cpus: os.cpus().length, loadAverageAtEnd: os.loadavg() };
  await writeFile(
    file,
    `${JSON.stringify({ bench: name, at: new Date().toISOString(), environment, ...data }, null, 2)}\n`,
  );
  return fileURLToPath(file);
}
