import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { findSourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

// A CPU profile of this process (V8's sampling profiler through node:inspector) while `during`
// runs, written as a .cpuprofile (Chrome DevTools / speedscope open it) and summarised: where the
// busy time went, by function (self), by package/file, and inclusive time of project functions.
// Positions in the project's TypeScript files are mapped back through tsx's source maps (its
// output is one line per file); `perRequestUs` divides by the requests answered meanwhile.

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileRow {
  name: string;
  ms: number;
  /** Share of the busy (non-idle) time. */
  share: number;
  /** Main-thread time per request answered during the profile (µs), when that count is known. */
  perRequestUs?: number;
}

export interface ProfileSummary {
  file: string;
  durationMs: number;
  busyMs: number;
  idleMs: number;
  /** Requests answered while profiling, if known. */
  requests?: number;
  busyPerRequestUs?: number;
  samplingIntervalUs: number;
  topSelf: ProfileRow[];
  byArea: ProfileRow[];
  /** Inclusive (self + callees) time of functions in the project's own files (src/, config/). */
  projectInclusive: ProfileRow[];
}

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

function shortUrl(url: string): string {
  if (!url) return '';
  let path = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (path.startsWith(PROJECT_ROOT)) path = path.slice(PROJECT_ROOT.length);
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) path = path.slice(nm + 'node_modules/'.length);
  return path;
}

function area(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)') return '(program: V8/native, unattributed)';
    return `native ${functionName || '(anonymous)'}`;
  }
  if (url.startsWith('node:')) {
    const rest = url.slice('node:'.length).replace(/^internal\//, '').replace(/\.js$/, '');
    return `node:${rest.split('/')[0]}`;
  }
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  return shortUrl(url);
}

/** The 1-based line of a frame in its original source (through a source map where there is one). */
function originalLine(f: CallFrame): number {
  if (f.url.startsWith('file://') && !f.url.includes('/node_modules/')) {
    try {
      const entry = findSourceMap(f.url)?.findEntry(f.lineNumber, f.columnNumber);
      if (entry && 'originalLine' in entry) return entry.originalLine + 1;
    } catch {
      // no usable source map: the generated position
    }
  }
  return f.lineNumber + 1;
}

const labels = new Map<string, string>();
function label(f: CallFrame): string {
  const key = `${f.functionName}\0${f.url}\0${f.lineNumber}\0${f.columnNumber}`;
  let text = labels.get(key);
  if (text === undefined) {
    text = `${f.functionName || '(anonymous)'}${f.url ? ` ${shortUrl(f.url)}:${originalLine(f)}` : ''}`;
    labels.set(key, text);
  }
  return text;
}
const isProject = (f: CallFrame) => /^(src|config|workers)\//.test(shortUrl(f.url)) && !f.url.includes('/node_modules/');

export function summarizeProfile(profile: Profile, file: string, requests?: number, top = 20): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totalHits = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0) || 1;
  const durationMs = (profile.endTime - profile.startTime) / 1000;
  const msPerHit = durationMs / totalHits;
  const selfMs = (n: ProfileNode) => (n.hitCount ?? 0) * msPerHit;
  const idleMs = profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').reduce((s, n) => s + selfMs(n), 0);
  const busyMs = durationMs - idleMs;

  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const n of profile.nodes) {
    if (n.callFrame.functionName === '(idle)' || n.callFrame.functionName === '(root)' || !n.hitCount) continue;
    add(self, label(n.callFrame), selfMs(n));
    add(areas, area(n.callFrame), selfMs(n));
  }

  // Inclusive time per node, then per function, counting a function once per stack (recursion).
  const inclusive = new Map<number, number>();
  const inclusiveOf = (n: ProfileNode): number => {
    let ms = n.callFrame.functionName === '(idle)' ? 0 : selfMs(n);
    for (const c of n.children ?? []) ms += inclusiveOf(byId.get(c)!);
    inclusive.set(n.id, ms);
    return ms;
  };
  const root = profile.nodes[0]!;
  inclusiveOf(root);
  const project = new Map<string, number>();
  const onStack = new Map<string, number>();
  const walk = (n: ProfileNode) => {
    const key = isProject(n.callFrame) ? label(n.callFrame) : undefined;
    if (key !== undefined) {
      if (!onStack.get(key)) add(project, key, inclusive.get(n.id)!);
      onStack.set(key, (onStack.get(key) ?? 0) + 1);
    }
    for (const c of n.children ?? []) walk(byId.get(c)!);
    if (key !== undefined) onStack.set(key, onStack.get(key)! - 1);
  };
  walk(root);

  const rows = (map: Map<string, number>, n: number): ProfileRow[] =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, ms]) => ({
      name, ms, share: ms / busyMs, ...(requests ? { perRequestUs: (ms * 1000) / requests } : {}),
    }));
  return {
    file,
    durationMs,
    busyMs,
    idleMs,
    requests,
    busyPerRequestUs: requests ? (busyMs * 1000) / requests : undefined,
    samplingIntervalUs: msPerHit * 1000,
    topSelf: rows(self, top),
    byArea: rows(areas, 15),
    projectInclusive: rows(project, 15),
  };
}

/**
 * Profiles this process while `during` runs; writes the profile to `file`. `requests` tells how
 * many requests were answered meanwhile, for the per-request figures.
 */
export async function profileWhile<T>(
  file: string,
  during: () => Promise<T>,
  requests: (value: T) => number | undefined = () => undefined,
  samplingIntervalUs = 200,
): Promise<{ value: T; summary: ProfileSummary }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
    await session.post('Profiler.start');
    let value: T;
    try {
      value = await during();
    } catch (error) {
      await session.post('Profiler.stop').catch(() => undefined);
      throw error;
    }
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    return { value, summary: summarizeProfile(profile as Profile, file, requests(value)) };
  } finally {
    await session.post('Profiler.disable').catch(() => undefined);
    session.disconnect();
  }
}
