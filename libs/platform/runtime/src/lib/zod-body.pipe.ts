import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { type z } from 'zod';

/**
 * Validates a request body with a zod schema. A failure is a 400 whose body lists every problem
 * with its JSON path, so that a client can fix all of them in one go:
 * `{ "error": "ValidationError", "message": "...", "issues": [{ "path": "targets.1.weight", "message": "..." }] }`.
 */
export class ZodBodyPipe<Schema extends z.ZodType> implements PipeTransform<unknown, z.infer<Schema>> {
  constructor(private readonly schema: Schema) {}

  transform(value: unknown): z.infer<Schema> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(body)',
      message: issue.message,
    }));
    throw new BadRequestException({
      error: 'ValidationError',
      message: issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
      issues,
    });
  }
}
