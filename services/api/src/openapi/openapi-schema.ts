import { type SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';

/**
 * The OpenAPI schema of a request body, generated from the zod schema that validates it, so the
 * document cannot drift from what the API accepts. Refinements (sums, cross-field rules) are not
 * expressible in JSON Schema and are left out: the 400 answer names them.
 */
export function openApiSchema(schema: z.ZodType): SchemaObject {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'openapi-3.0',
  }) as Record<string, unknown>;
  return jsonSchema;
}
