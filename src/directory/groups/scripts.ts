import { readFileSync } from 'node:fs';
import type { RedisClient } from '../scripts.js';
import { fromScriptError } from '../errors.js';

// The group scripts (scripts/group-*.lua), each with lib.lua and group-lib.lua prepended, named
// for what runs them in groups.ts: groupWrite ↔ group-write (create, PUT, PATCH), groupDelete ↔
// group-delete, groupRead ↔ group-read, groupLookup ↔ group-lookup (indexes, pages, a user's groups).

const GROUP_SCRIPTS = ['group-write', 'group-delete', 'group-read', 'group-lookup'] as const;
export type GroupScript = (typeof GROUP_SCRIPTS)[number];

const readScript = (name: string) => readFileSync(new URL(`../scripts/${name}.lua`, import.meta.url), 'utf8');

let sources: Map<GroupScript, string> | undefined;
function groupSources(): Map<GroupScript, string> {
  if (!sources) {
    const prelude = `${readScript('lib')}\n${readScript('group-lib')}`;
    sources = new Map(GROUP_SCRIPTS.map((name) => [name, `${prelude}\n${readScript(name)}`]));
  }
  return sources;
}

const commandName = (name: GroupScript) => `rune_${name.replace(/-/g, '_')}`;
const defined = new WeakSet<RedisClient>();

export function defineGroupScripts(redis: RedisClient): void {
  if (defined.has(redis)) return;
  for (const [name, lua] of groupSources()) redis.defineCommand(commandName(name), { numberOfKeys: 1, lua });
  defined.add(redis);
}

type ScriptCaller = (base: string, payload: string) => Promise<string>;

/** Runs one group script with its JSON payload; a refusal becomes a DirectoryError. */
export async function runGroupScript<T>(redis: RedisClient, base: string, name: GroupScript, payload: object) {
  const call = (redis as unknown as Record<string, ScriptCaller>)[commandName(name)]!;
  try {
    return JSON.parse(await call.call(redis, base, JSON.stringify(payload))) as T;
  } catch (error) {
    throw fromScriptError(error);
  }
}
