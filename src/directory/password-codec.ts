// A PHC argon2id string is ~97 characters; Redis keeps a hash compact (listpack) only while
// every value is at most 64 bytes. Salt (16 bytes) and hash (32 bytes) fit exactly in 64
// base64 characters, with the parameters beside them, so the user hash stays compact.
// Any other shape is stored whole.

export interface PackedPassword {
  pw: string;
  pwp?: string;
}

const PHC = /^\$argon2id\$v=19\$(m=\d+,t=\d+,p=\d+|m=\d+,p=\d+,t=\d+)\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$/;

export function packPasswordHash(phc: string): PackedPassword {
  const match = PHC.exec(phc);
  if (!match) return { pw: phc };
  const salt = Buffer.from(match[2]!, 'base64');
  const hash = Buffer.from(match[3]!, 'base64');
  if (salt.length !== 16 || hash.length !== 32) return { pw: phc };
  return { pw: Buffer.concat([salt, hash]).toString('base64'), pwp: match[1]! };
}

export function unpackPasswordHash(packed: { pw?: string | null; pwp?: string | null }): string | null {
  if (!packed.pw) return null;
  if (!packed.pwp) return packed.pw;
  const raw = Buffer.from(packed.pw, 'base64');
  const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');
  return `$argon2id$v=19$${packed.pwp}$${b64(raw.subarray(0, 16))}$${b64(raw.subarray(16))}`;
}
