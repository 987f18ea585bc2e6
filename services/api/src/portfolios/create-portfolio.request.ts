import { randomUUID } from 'node:crypto';
import { BadRequestException } from '@nestjs/common';
import { portfolioStatePayloadSchema, type PortfolioStatePayload } from '@ballast/contracts';

/** Fields a client sends to create a portfolio; the server assigns id, version and timestamp. */
export const CLIENT_FIELDS = [
  'name',
  'householdId',
  'baseCurrency',
  'accounts',
  'targets',
  'policy',
  'planningPolicy',
  'sleeves',
  'transactions',
  'lastRebalance',
] as const;

/**
 * Builds the first portfolio.state snapshot from a `POST /portfolios` body and validates it with
 * the topic's own schema, so the API accepts exactly what it can publish, and a 400 names every
 * problem by the path in the request body (`targets.1.weight: must be between 0 and 1`).
 */
export function toInitialState(body: unknown, now: Date = new Date()): PortfolioStatePayload {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationError([{ path: '(body)', message: 'must be a JSON object' }]);
  }
  const unknownFields = Object.keys(body).filter(
    (key) => !(CLIENT_FIELDS as readonly string[]).includes(key),
  );
  if (unknownFields.length > 0) {
    throw validationError(
      unknownFields.map((field) => ({
        path: field,
        message: `unknown field (allowed: ${CLIENT_FIELDS.join(', ')})`,
      })),
    );
  }
  const portfolioId = randomUUID();
  const input = body as Record<string, unknown>;
  const candidate = {
    ...input,
    portfolioId,
    householdId: input['householdId'] ?? portfolioId,
    version: 1,
    updatedAt: now.toISOString(),
  };
  const result = portfolioStatePayloadSchema.safeParse(candidate);
  if (!result.success) {
    throw validationError(
      result.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.') || '(body)',
        message: issue.message,
      })),
    );
  }
  return result.data;
}

function validationError(issues: { path: string; message: string }[]): BadRequestException {
  return new BadRequestException({
    error: 'ValidationError',
    message: issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
    issues,
  });
}
