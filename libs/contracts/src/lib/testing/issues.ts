import { type z } from 'zod';
import { toValidationIssues } from '../validation-issue';

/** The problems `schema` finds in `value`, as `path: message` lines; empty when it is valid. */
export function issuesOf(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success
    ? []
    : toValidationIssues(result.error).map((issue) => `${issue.path}: ${issue.message}`);
}
