import { clone, predict, type MState, type ReplyData, type Req } from './model.js';

// The linearizability check of one concurrent round: the replies are acknowledged only if some
// order of the round's requests, each reading at one point of that order and writing at the same
// or a later one, gives every request the outcome it got. Each such order leads to a state; the
// caller keeps those that agree with the directory.

export interface Done {
  req: Req;
  reply: ReplyData;
}

export interface Linearized {
  /** The distinct states some order leads to (none: no order explains the replies). */
  states: MState[];
  /** Predictions compared with a reply. */
  checks: number;
}

const MAX_STATES = 64;

export function linearize(starts: MState[], done: Done[]): Linearized {
  const found = new Map<string, MState>();
  let checks = 0;
  const walk = (prefix: MState[], left: number[]) => {
    if (found.size >= MAX_STATES) return;
    const last = prefix[prefix.length - 1]!;
    if (left.length === 0) {
      found.set(JSON.stringify(last), last);
      return;
    }
    for (const i of left) {
      const { req, reply } = done[i]!;
      const rest = left.filter((x) => x !== i);
      const seenChecks = new Set<string>();
      for (const check of prefix) {
        const key = JSON.stringify(check);
        if (seenChecks.has(key)) continue;
        seenChecks.add(key);
        for (const allowed of predict(req, check, last)) {
          checks++;
          if (allowed.outcome !== reply.outcome) continue;
          let next = last;
          if (allowed.apply) {
            next = clone(last);
            allowed.apply(next, reply);
          }
          walk([...prefix, next], rest);
        }
      }
    }
  };
  for (const start of starts)
    walk(
      [start],
      done.map((_, i) => i),
    );
  return { states: [...found.values()], checks };
}
