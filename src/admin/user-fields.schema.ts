import { z } from 'zod';
import { NAME_MAX, NAME_MIN } from '../directory/index.js';
import { normalizeEmail, normalizeName } from '../directory/normalize.js';
import type { FieldProblem } from '../directory/index.js';

// The directory's own name and email rules, run while the body is parsed: a body then gets
// every field's error in one answer, not the schema's first and the directory's after it.
// The directory checks again where it writes (SCIM and the CLI reach it without a schema).

const byDirectoryRule =
  (normalize: (value: unknown, problems: FieldProblem[]) => string) => (value: string, ctx: z.RefinementCtx) => {
    const problems: FieldProblem[] = [];
    normalize(value, problems);
    for (const problem of problems) ctx.addIssue({ code: 'custom', message: problem.message });
  };

export const NameField = z
  .string()
  .max(256)
  .superRefine(byDirectoryRule(normalizeName))
  .meta({ description: `${NAME_MIN}–${NAME_MAX} characters once trimmed (runs of spaces count as one).` });

export const EmailField = z
  .string()
  .max(320)
  .superRefine(byDirectoryRule(normalizeEmail))
  .meta({ format: 'email', description: 'Unique, case-insensitively; stored trimmed and lower-cased.' });
