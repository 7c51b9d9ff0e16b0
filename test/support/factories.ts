import { randomBytes } from 'node:crypto';
import type { Directory, Role, UserRecord, Actor } from '../../src/directory/index.js';

export const SYSTEM: Actor = { source: 'system' };
export const as = (user: UserRecord): Actor => ({ actorId: user.id, source: 'admin-api' });

let counter = 0;
export const uniqueEmail = (label = 'user') => `${label}.${++counter}.${randomBytes(3).toString('hex')}@example.test`;

// Directory tests need a stored hash, not a real one; auth tests use argon2 itself.
const PLACEHOLDER_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';

export function makeUser(
  directory: Directory,
  role: Role = 'user',
  overrides: Partial<Parameters<Directory['createUser']>[0]> = {},
) {
  return directory.createUser(
    {
      name: `Test ${role} ${++counter}`,
      email: uniqueEmail(role),
      role,
      kind: 'password',
      passwordHash: PLACEHOLDER_HASH,
      ...overrides,
    },
    SYSTEM,
  );
}

export const makeAdmin = (directory: Directory, overrides = {}) => makeUser(directory, 'admin', overrides);
