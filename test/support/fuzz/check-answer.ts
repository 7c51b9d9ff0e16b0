import type { Family, RouteCase } from './route-cases.js';
import type { Answer } from './target.js';

// What every answer must be, whatever was asked: never a 5xx; the 2xx or 4xx the case expects;
// a 4xx in its route's format; within the time bound, with /healthz answering meanwhile.

/** The bound on an answer, and on /healthz asked meanwhile. */
export const ANSWER_WITHIN_MS = 200;

const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

function formatViolations(family: Family, a: Answer): string[] {
  const body = (a.body ?? {}) as Record<string, unknown>;
  if (family === 'scim') {
    const out: string[] = [];
    if (!/^application\/scim\+json/.test(a.contentType))
      out.push(`SCIM refusal as ${a.contentType || 'no content type'}`);
    if (!Array.isArray(body.schemas) || !body.schemas.includes(SCIM_ERROR))
      out.push('SCIM refusal without the Error schema');
    if (body.status !== String(a.status))
      out.push(`SCIM refusal with status ${JSON.stringify(body.status)} (must be the string "${a.status}")`);
    return out;
  }
  // /api/v1, /auth and the ACS (src/saml/errors.ts: SamlError.toProblem) answer problem documents.
  const out: string[] = [];
  if (!/^application\/problem\+json/.test(a.contentType))
    out.push(`refusal as ${a.contentType || 'no content type'}, not application/problem+json`);
  for (const field of ['type', 'title', 'code'] as const)
    if (typeof body[field] !== 'string') out.push(`problem without ${field}`);
  if (body.status !== a.status) out.push(`problem status ${JSON.stringify(body.status)} for HTTP ${a.status}`);
  return out;
}

/** Everything wrong with this answer to this case; empty when it is right. */
export function answerViolations(c: RouteCase, a: Answer): string[] {
  const out: string[] = [];
  const ok = (a.status >= 200 && a.status < 300) || (c.family === 'saml' && a.status === 302);
  const refused = a.status >= 400 && a.status < 500;
  if (a.status === 0) out.push(a.text);
  else if (a.status >= 500) out.push(`${a.status}: a server error`);
  else if (c.expect === 'ok' && !ok) out.push(`${a.status} where a ${c.family === 'saml' ? '302' : '2xx'} was due`);
  else if (c.expect === 'refused' && !refused) out.push(`${a.status} where a 4xx was due (${c.why ?? ''})`);
  else if (c.expect === 'answered' && !ok && !refused) out.push(`${a.status}: neither accepted nor refused`);
  if (refused) out.push(...formatViolations(c.family, a));
  if (a.ms > ANSWER_WITHIN_MS) out.push(`answered in ${a.ms.toFixed(0)} ms (over ${ANSWER_WITHIN_MS} ms)`);
  if (a.health.status !== 200) out.push(`/healthz answered ${a.health.status} meanwhile`);
  else if (a.health.ms > ANSWER_WITHIN_MS) out.push(`/healthz took ${a.health.ms.toFixed(0)} ms meanwhile`);
  return out;
}

/** Object.prototype's own keys, and what a fresh {} inherits, now. */
export function prototypeSnapshot() {
  return { own: Reflect.ownKeys(Object.prototype).map(String).sort(), inherited: inheritedKeys() };
}

function inheritedKeys(): string[] {
  const keys: string[] = [];
  for (const key in {}) keys.push(key);
  return keys;
}

/**
 * What a request added to Object.prototype since `before`. It is removed again, so one
 * polluting case fails alone instead of every case after it (and every other spec in the process).
 */
export function prototypeViolations(before: ReturnType<typeof prototypeSnapshot>): string[] {
  const added = Reflect.ownKeys(Object.prototype).filter((k) => !before.own.includes(String(k)));
  const inherited = inheritedKeys().filter((k) => !before.inherited.includes(k));
  const out = [...new Set([...added.map(String), ...inherited])].map((k) => `Object.prototype polluted: ${k}`);
  for (const key of added) delete (Object.prototype as Record<PropertyKey, unknown>)[key];
  return out;
}

/** The figures of a run, per family. */
export class FuzzStats {
  readonly families = new Map<
    Family,
    {
      cases: number;
      ok: number;
      refused: number;
      answered: number;
      slowestMs: number;
      slowest?: string;
      serverErrors: number;
      overBound: number;
      failures: number;
    }
  >();

  record(c: RouteCase, a: Answer, violations: string[]): void {
    const f = this.families.get(c.family) ?? {
      cases: 0,
      ok: 0,
      refused: 0,
      answered: 0,
      slowestMs: 0,
      serverErrors: 0,
      overBound: 0,
      failures: 0,
    };
    f.cases++;
    f[c.expect]++;
    if (a.ms > f.slowestMs) {
      f.slowestMs = a.ms;
      f.slowest = c.route;
    }
    if (a.status >= 500) f.serverErrors++;
    if (a.ms > ANSWER_WITHIN_MS) f.overBound++;
    if (violations.length > 0) f.failures++;
    this.families.set(c.family, f);
  }

  lines(): string[] {
    return [...this.families].map(
      ([family, f]) =>
        `${family.padEnd(6)} ${String(f.cases).padStart(6)} cases (${f.ok} due a 2xx, ${f.refused} a 4xx, ${f.answered} either), slowest ${f.slowestMs.toFixed(0)} ms (${f.slowest}), ` +
        `${f.serverErrors} 5xx, ${f.overBound} over ${ANSWER_WITHIN_MS} ms, ${f.failures} failing`,
    );
  }
}

/** A failed case, readable: the request as generated, what came back, and every violation. */
export function describeFailure(c: RouteCase, a: Answer, violations: string[]): string {
  const shown = a.text.length > 600 ? `${a.text.slice(0, 600)}…` : a.text;
  return [
    `${c.route}: ${violations.join('; ')}`,
    `  answered ${a.status} in ${a.ms.toFixed(0)} ms (${a.contentType}); /healthz ${a.health.status} in ${a.health.ms.toFixed(0)} ms`,
    `  body: ${shown}`,
  ].join('\n');
}

/**
 * Sends one case and checks everything about it, Object.prototype included; answers the
 * violations (empty when right) and the answer.
 */
export async function checkCase(
  target: { send(c: RouteCase): Promise<Answer> },
  c: RouteCase,
  stats?: FuzzStats,
): Promise<{ answer: Answer; violations: string[] }> {
  const before = prototypeSnapshot();
  const answer = await target.send(c);
  const violations = [...answerViolations(c, answer), ...prototypeViolations(before)];
  stats?.record(c, answer, violations);
  return { answer, violations };
}

/** Failures of a whole run grouped by route and kind (numbers left out), one example each. */
export class FailureLog {
  readonly kinds = new Map<string, { count: number; example: RouteCase; answer: Answer; violations: string[] }>();

  add(c: RouteCase, answer: Answer, violations: string[]): void {
    for (const violation of violations) {
      const kind = `${c.route}: ${violation
        .replace(/\d+(\.\d+)? ms/g, 'N ms')
        .replace(/\(.*\)$/, '')
        .trim()}`;
      const seen = this.kinds.get(kind);
      if (seen) seen.count++;
      else this.kinds.set(kind, { count: 1, example: c, answer, violations });
    }
  }

  lines(): string[] {
    return [...this.kinds].flatMap(([kind, k]) => [
      `${String(k.count).padStart(6)} × ${kind}`,
      `         e.g. ${JSON.stringify(k.example).slice(0, 700)}`,
      `         → ${k.answer.status} in ${k.answer.ms.toFixed(0)} ms: ${k.answer.text.slice(0, 300).replace(/\s+/g, ' ')}`,
    ]);
  }
}
