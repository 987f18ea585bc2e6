import { z } from 'zod';

/**
 * One problem found in a message, flattened for logs and dead letters: `path` is dotted
 * (`payload.targets.1.weight`), `(root)` for the message as a whole.
 */
export const validationIssueSchema = z.object({
  path: z.string(),
  message: z.string(),
});

export type ValidationIssue = z.infer<typeof validationIssueSchema>;

/** The path given for a problem with the value as a whole. */
export const ROOT_PATH = '(root)';

/** Flattens a zod error into {@link ValidationIssue}s, keeping zod's order. */
export function toValidationIssues(
  error: z.ZodError,
  pathPrefix: readonly PropertyKey[] = [],
): ValidationIssue[] {
  return error.issues.map((issue) => {
    const path = [...pathPrefix, ...issue.path].map(String).join('.');
    return { path: path === '' ? ROOT_PATH : path, message: issue.message };
  });
}
