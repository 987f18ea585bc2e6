import { z } from 'zod';

/** Objectives the optimizer service offers for `planningPolicy.targets` (see README). */
export const TARGET_OBJECTIVES = ['min-volatility', 'max-sharpe'] as const;

/**
 * `planningPolicy.targets`: where the run's target weights come from.
 *  - absent or `{ "model": "fixed" }`: the state's targets, as the ledger holds them;
 *  - `{ "objective": "min-volatility" | "max-sharpe", "lookbackDays": 252, ... }`: weights over the
 *    symbols of the state's targets (the universe), optimized on that many daily returns ending on
 *    the run's as-of date, from market-data's history.
 */
export const targetPolicySchema = z.union([
  z.strictObject({ model: z.literal('fixed') }),
  z.strictObject({
    objective: z.enum(TARGET_OBJECTIVES, { error: `must be one of ${TARGET_OBJECTIVES.join(', ')}` }),
    /** Daily returns used for covariance and expected returns (252 = one trading year). */
    lookbackDays: z.int().min(20).max(2_520).default(252),
    /** Annual risk-free rate of max-sharpe. */
    riskFreeRate: z.number().min(-0.1).max(1).default(0.02),
    /** Bounds on every weight; default long only, [0, 1]. */
    minWeight: z.number().min(0).max(1).default(0),
    maxWeight: z.number().min(0).max(1).default(1),
    /**
     * `fixed`: when history is missing or the optimization fails, plan with the state's targets and
     * say so; absent: the failure is retried and then dead-lettered, never hidden.
     */
    fallback: z.literal('fixed').optional(),
  }),
]);

export type TargetPolicy = z.infer<typeof targetPolicySchema>;
export type ObjectiveTargetPolicy = Extract<TargetPolicy, { objective: string }>;

/** A `planningPolicy.targets` that is not one of the shapes above; names the field. */
export class InvalidTargetPolicyError extends Error {
  override readonly name = 'InvalidTargetPolicyError';
}

export function parseTargetPolicy(raw: unknown): TargetPolicy {
  if (raw === undefined) return { model: 'fixed' };
  const parsed = targetPolicySchema.safeParse(raw);
  if (parsed.success) {
    const policy = parsed.data;
    if ('objective' in policy && policy.minWeight > policy.maxWeight) {
      throw new InvalidTargetPolicyError('planningPolicy.targets.minWeight: must not exceed maxWeight');
    }
    return policy;
  }
  const issues = parsed.error.issues.flatMap((issue) =>
    issue.code === 'invalid_union'
      ? issue.errors.flat().map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }))
      : [issue],
  );
  throw new InvalidTargetPolicyError(
    issues
      .map(
        (issue) =>
          `planningPolicy.targets${issue.path.map((part) => `.${String(part)}`).join('')}: ${issue.message}`,
      )
      .join('; '),
  );
}
