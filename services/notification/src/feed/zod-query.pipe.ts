import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { type z } from 'zod';

/**
 * Validates one route parameter or the query object with a zod schema: a 400 naming the parameter
 * and the problem, in the same shape as ZodBodyPipe's.
 */
export class ZodParamPipe<Schema extends z.ZodType> implements PipeTransform<unknown, z.infer<Schema>> {
  constructor(
    private readonly schema: Schema,
    private readonly name: string,
  ) {}

  transform(value: unknown): z.infer<Schema> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const issues = result.error.issues.map((issue) => ({
      path: [this.name, ...issue.path.map(String)].join('.'),
      message: issue.message,
    }));
    throw new BadRequestException({
      error: 'ValidationError',
      message: issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
      issues,
    });
  }
}
