import { z } from 'zod';

export const AuditQuery = z.strictObject({
  cursor: z.string().regex(/^\d+-\d+$/, 'must be a cursor from a previous page').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
