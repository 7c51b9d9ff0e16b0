import { z } from 'zod';
import { ROLES, STATUSES } from '../directory/index.js';

export const CreateUserSchema = z.strictObject({
  name: z.string().max(256),
  email: z.string().max(320),
  role: z.enum(ROLES),
});

export const UpdateUserSchema = z
  .strictObject({ name: z.string().max(256).optional(), role: z.enum(ROLES).optional() })
  .refine((body) => body.name !== undefined || body.role !== undefined, { message: 'send name, role or both', path: ['body'] });

export const ListUsersQuery = z.strictObject({
  status: z.enum(STATUSES).optional(),
  role: z.enum(ROLES).optional(),
  q: z.string().max(320).optional(),
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
