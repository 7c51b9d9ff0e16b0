import { readFileSync } from 'node:fs';
import type { RedisClient } from '../redis/connection.js';
import { fromScriptError } from './errors.js';
import { replicaAcksFor, confirmReplicated } from './replica-acks.js';

// Lua scripts live as files beside this one; lib.lua is prepended to each (and group-lib.lua
// after it to the group scripts).
// Each script is named for the Directory method that runs it (directory.ts), so a name found in
// one language finds the other:
//   createUser ↔ create-user         updateUser ↔ update-user          deleteUser ↔ delete-user
//   deactivateUser ↔ deactivate-user activateUser ↔ activate-user
//   setPassword ↔ set-password       getPasswordHash ↔ get-password-hash
//   linkSso ↔ link-sso               convertToSso ↔ convert-to-sso
//   createSession ↔ create-session   lookupSession ↔ lookup-session    setSessionScope ↔ set-session-scope
//   revokeSession ↔ revoke-session   endAllSessions ↔ end-all-sessions deleteEndedSessions ↔ delete-ended-sessions
//   touchScimToken ↔ touch-scim-token
//   scimReadUsers ↔ scim-read-users (SCIM's hot reads: userName eq and pages, with each user's groups)
//   pageUsers ↔ page-users           listUsers ↔ list-users, or search-users when it has a `q`
//   getUser, findUserByEmail, findUserByUserName, findUserByExternalId, findUserByNameId ↔ find-user (by index)
//   groups.ts: write (create, PUT, PATCH) ↔ group-write, delete ↔ group-delete, reads ↔ group-read,
//   group-lookup (indexes, pages, a user's groups)
// Activation and deactivation stay two scripts: deactivation alone carries two rules
// (not oneself, not the last active admin) and ends the user's sessions.

const SCRIPT_NAMES = [
  'create-user',
  'update-user',
  'deactivate-user',
  'activate-user',
  'delete-user',
  'set-password',
  'create-session',
  'lookup-session',
  'set-session-scope',
  'revoke-session',
  'delete-ended-sessions',
  'end-all-sessions',
  'get-password-hash',
  'link-sso',
  'convert-to-sso',
  'page-users',
  'find-user',
  'list-users',
  'search-users',
  'touch-scim-token',
  'scim-read-users',
  'group-write',
  'group-delete',
  'group-read',
  'group-lookup',
] as const;

export type ScriptName = (typeof SCRIPT_NAMES)[number];
export type { RedisClient };

const readScript = (name: string) => readFileSync(new URL(`./scripts/${name}.lua`, import.meta.url), 'utf8');

let sources: Map<ScriptName, string> | undefined;
function scriptSources(): Map<ScriptName, string> {
  if (!sources) {
    const lib = readScript('lib');
    const groupLib = `${lib}\n${readScript('group-lib')}`;
    const prelude = (name: ScriptName) => (name.startsWith('group-') ? groupLib : lib);
    sources = new Map(SCRIPT_NAMES.map((name) => [name, `${prelude(name)}\n${readScript(name)}`]));
  }
  return sources;
}

const commandName = (name: ScriptName) => `rune_${name.replace(/-/g, '_')}`;
const defined = new WeakSet<RedisClient>();

/** Registers every directory script on a connection (EVALSHA with EVAL fallback). */
export function defineScripts(redis: RedisClient): void {
  if (defined.has(redis)) return;
  for (const [name, lua] of scriptSources()) redis.defineCommand(commandName(name), { numberOfKeys: 1, lua });
  defined.add(redis);
}

type ScriptCaller = (base: string, payload: string) => Promise<string>;

/**
 * Runs one read-only script with its JSON payload and answers its reply as Redis sent it (arrays of
 * strings or Buffers, integers, nulls): for the hot reads, where encoding and parsing JSON would
 * cost more than the read.
 */
export async function runScriptReply<T>(
  redis: RedisClient,
  base: string,
  name: ScriptName,
  payload: object,
  options: { bytes?: boolean } = {},
): Promise<T> {
  // `bytes`: each string of the reply as the Buffer Redis sent (ioredis's <command>Buffer), not decoded.
  const command = options.bytes ? `${commandName(name)}Buffer` : commandName(name);
  const call = (redis as unknown as Record<string, (base: string, payload: string) => Promise<T>>)[command];
  if (!call) throw new Error(`directory script ${name} is not defined on this connection`);
  try {
    return await call.call(redis, base, JSON.stringify(payload));
  } catch (error) {
    throw fromScriptError(error);
  }
}

/** Runs one script with its JSON payload and parses the JSON it answers. */
export async function runScript<T>(redis: RedisClient, base: string, name: ScriptName, payload: object): Promise<T> {
  const acks = replicaAcksFor(redis, name);
  const target = acks?.client ?? redis;
  const call = (target as unknown as Record<string, ScriptCaller>)[commandName(name)];
  if (!call) throw new Error(`directory script ${name} is not defined on this connection`);
  let raw: string;
  try {
    raw = await call.call(target, base, JSON.stringify(payload));
  } catch (error) {
    throw fromScriptError(error);
  }
  if (acks) await confirmReplicated(acks, name);
  return JSON.parse(raw) as T;
}
