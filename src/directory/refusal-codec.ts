// The one reader and writer of the reply a Lua script refuses with: "RUNE <code> <detail>"
// (lib.lua's fail writes it; a job's failedReason may carry it too).

const REPLY = /^RUNE (\w+) (.*)$/s;

export interface ScriptRefusal {
  code: string;
  detail: string;
}

export const encodeRefusal = (code: string, detail: string): string => `RUNE ${code} ${detail}`;

/** The code and detail of a refusal reply, or undefined for any other text. */
export function decodeRefusal(text: string | undefined): ScriptRefusal | undefined {
  const match = text ? REPLY.exec(text) : null;
  return match ? { code: match[1]!, detail: match[2]! } : undefined;
}
