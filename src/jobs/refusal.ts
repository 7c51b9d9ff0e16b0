// A job failure may carry a directory refusal as its failedReason: "RUNE <code> <detail>"
// (the clean-up jobs refuse nothing today, but failures recorded before still read this way).

const REASON = /^RUNE (\w+) (.*)$/s;

export function parseRefusal(reason: string | undefined): { code: string; detail: string } | undefined {
  const match = reason ? REASON.exec(reason) : null;
  return match ? { code: match[1]!, detail: match[2]! } : undefined;
}
