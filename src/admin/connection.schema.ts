import { z } from 'zod';

/** GET /api/v1/connection takes no parameters: any is refused, so a typo is not silently ignored. */
export const ConnectionQuery = z.strictObject({});
