import { z } from 'zod';

export const CreateScimTokenSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).meta({ description: 'What the token is for, e.g. the IdP application.' }),
});
