import { z } from 'zod';
import { EmailField, NameField } from '../admin/user-fields.schema.js';

export const LoginSchema = z.strictObject({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
});

export const ChangePasswordSchema = z
  .strictObject({
    currentPassword: z
      .string()
      .max(1024)
      .optional()
      .meta({ description: 'Required unless the session was opened with a temporary password.' }),
    newPassword: z.string().min(1).max(1024),
    confirmPassword: z.string().max(1024).optional(),
  })
  .refine((body) => body.confirmPassword === undefined || body.confirmPassword === body.newPassword, {
    path: ['confirmPassword'],
    message: 'does not match newPassword',
  });

export const SetupSchema = z.strictObject({
  name: NameField,
  email: EmailField,
  password: z.string().min(1).max(1024),
});
