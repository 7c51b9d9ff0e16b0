import { decodeRefusal, type ScriptRefusal } from '../directory/refusal-codec.js';

// A job failure may carry a directory refusal as its failedReason: "RUNE <code> <detail>"
// (the clean-up jobs refuse nothing today, but failures recorded before still read this way).

export function parseRefusal(reason: string | undefined): ScriptRefusal | undefined {
  return decodeRefusal(reason);
}
