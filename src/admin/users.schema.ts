import { z } from 'zod';
import { ROLES, STATUSES } from '../directory/index.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../directory/page-size.js';
import { EmailField, NameField } from './user-fields.schema.js';

export const CreateUserSchema = z.strictObject({
  name: NameField,
  email: EmailField,
  role: z.enum(ROLES),
});

export const UpdateUserSchema = z
  .strictObject({ name: NameField.optional(), role: z.enum(ROLES).optional() })
  .meta({ minProperties: 1 })
  .refine((body) => body.name !== undefined || body.role !== undefined, {
    message: 'send name, role or both',
    path: ['body'],
  });

export const ListUsersQuery = z.strictObject({
  status: z.enum(STATUSES).optional(),
  role: z.enum(ROLES).optional(),
  q: z
    .string()
    .max(320)
    .meta({ description: 'Case-insensitive prefix of the email or the name; a full email matches too.' })
    .optional(),
  cursor: z.string().max(64).meta({ description: 'The nextCursor of the previous page.' }).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});
