import { InvalidArgumentError } from 'commander';
import type { z } from 'zod';
import { DirectoryError, type Directory, type UserRecord } from '../directory/index.js';
import { isUuid } from '../http/ids.js';
import { ListUsersQuery } from '../admin/users.schema.js';
import { AuditQuery } from '../admin/audit.schema.js';

// What commands take from the command line, checked before anything touches Redis, by the
// API's own schemas so that both take the same values.

function parsedBy<T>(schema: z.ZodType<T>) {
  return (value: string): T => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'is not valid');
    return parsed.data;
  };
}

/** `--limit N` of `users list`: as the API's `limit` (1 to MAX_PAGE_SIZE). */
export const usersLimit = parsedBy(ListUsersQuery.shape.limit);
/** `--limit N` of `audit`: as the API's `limit`. */
export const auditLimit = parsedBy(AuditQuery.shape.limit);
/** `audit --cursor`: an audit event id, as a previous page printed it. */
export const auditCursor = parsedBy(AuditQuery.shape.cursor.unwrap());

/** A user named by id or by email; an id that no user could have is not looked up. */
export async function findUser(directory: Directory, idOrEmail: string): Promise<UserRecord> {
  const user = idOrEmail.includes('@')
    ? await directory.findUserByEmail(idOrEmail)
    : isUuid(idOrEmail)
      ? await directory.getUser(idOrEmail)
      : null;
  if (!user) throw new DirectoryError('not_found', `no user with the id or email "${idOrEmail}"`);
  return user;
}
