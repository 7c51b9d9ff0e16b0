import { z } from 'zod';

export const LoginSchema = z.strictObject({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
});

export const ChangePasswordSchema = z
  .strictObject({
    currentPassword: z.string().max(1024).optional(),
    newPassword: z.string().min(1).max(1024),
    confirmPassword: z.string().max(1024).optional(),
  })
  .refine((body) => body.confirmPassword === undefined || body.confirmPassword === body.newPassword, {
    path: ['confirmPassword'],
    message: 'does not match newPassword',
  });

export const SetupSchema = z.strictObject({
  name: z.string().max(256),
  email: z.string().max(320),
  password: z.string().min(1).max(1024),
});
