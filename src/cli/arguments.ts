import { InvalidArgumentError } from 'commander';
import { DirectoryError, type Directory, type UserRecord } from '../directory/index.js';
import { isUuid } from '../http/ids.js';

// What commands take from the command line, checked before anything touches Redis.

/** `--limit N`: a whole number from 1 to 200, as the API's `limit`. */
export function pageLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 200) throw new InvalidArgumentError('must be a whole number from 1 to 200');
  return n;
}

/** A user named by id or by email; an id that no user could have is not looked up. */
export async function findUser(directory: Directory, idOrEmail: string): Promise<UserRecord> {
  const user = idOrEmail.includes('@')
    ? await directory.findUserByEmail(idOrEmail)
    : isUuid(idOrEmail) ? await directory.getUser(idOrEmail) : null;
  if (!user) throw new DirectoryError('not_found', `no user with the id or email "${idOrEmail}"`);
  return user;
}

/** `audit --cursor`: an audit event id, as a previous page printed it. */
export function auditCursor(value: string): string {
  if (!/^\d+-\d+$/.test(value)) throw new InvalidArgumentError('must be a cursor from a previous page');
  return value;
}
