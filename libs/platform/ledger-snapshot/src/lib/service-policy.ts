import { z } from 'zod';

/**
 * The service-owned fields of `planningPolicy` ({@link SERVICE_POLICY_FIELDS} of
 * portfolio-document.ts), validated in one place so that the api can refuse a bad one when it is
 * written (400 naming the field) and the optimizer and tax services read it the same way.
 */

/** Objectives the optimizer offers for `planningPolicy.targets`. */
export const TARGET_OBJECTIVES = ['min-volatility', 'max-sharpe'] as const;

/**
 * `planningPolicy.targets`: where a run's target weights come from (services/optimizer/README.md).
 *  - absent or `{ "model": "fixed" }`: the state's targets;
 *  - `{ "objective": ..., "lookbackDays": 252, "riskFreeRate": 0.02, "minWeight": 0, "maxWeight": 1,
 *    "fallback": "fixed" }`: weights over the targets' symbols optimized on daily history.
 */
const fixedTargetsSchema = z.strictObject({ model: z.literal('fixed') });

const objectiveTargetsSchema = z.strictObject({
  objective: z.enum(TARGET_OBJECTIVES, { error: `must be one of ${TARGET_OBJECTIVES.join(', ')}` }),
  /** Daily returns used for covariance and expected returns (252 = one trading year). */
  lookbackDays: z.int().min(20).max(2_520).default(252),
  /** Annual risk-free rate of max-sharpe. */
  riskFreeRate: z.number().min(-0.1).max(1).default(0.02),
  /** Bounds on every weight; default long only, [0, 1]. */
  minWeight: z.number().min(0).max(1).default(0),
  maxWeight: z.number().min(0).max(1).default(1),
  /** `fixed`: on failure plan with the state's targets and say so; absent: retried, then dead-lettered. */
  fallback: z.literal('fixed').optional(),
});

export const targetPolicySchema = z.union([fixedTargetsSchema, objectiveTargetsSchema]);

export type TargetPolicy = z.infer<typeof targetPolicySchema>;
export type ObjectiveTargetPolicy = Extract<TargetPolicy, { objective: string }>;

const money = z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal string, e.g. "10000"');

/**
 * `planningPolicy.approval` (services/tax/README.md): orders worth more than `thresholdValue` need a
 * person, more than `fourEyesValue` two; the approval expires `expiresAfterMinutes` after the
 * proposal. Fields left out take the tax service's defaults.
 */
export const approvalPolicySchema = z.strictObject({
  thresholdValue: money.optional(),
  fourEyesValue: money.optional(),
  expiresAfterMinutes: z.int().min(1).max(43_200).optional(),
});

export interface ApprovalPolicy {
  readonly thresholdValue: string;
  readonly fourEyesValue: string;
  readonly expiresAfterMinutes: number;
}

export interface ServicePolicyIssue {
  /** `planningPolicy.targets.objective`, ... */
  readonly path: string;
  readonly message: string;
}

/** A service field of the planning policy that does not parse; lists every problem with its path. */
export class InvalidServicePolicyError extends Error {
  override readonly name = 'InvalidServicePolicyError';

  constructor(readonly issues: readonly ServicePolicyIssue[]) {
    super(issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '));
  }
}

/** The state's target policy; the fixed model when absent. @throws InvalidServicePolicyError */
export function parseTargetPolicy(raw: unknown): TargetPolicy {
  if (raw === undefined) return { model: 'fixed' };
  // The branch is picked by `objective`, so that an error names the field of the form meant.
  const schema =
    typeof raw === 'object' && raw !== null && 'objective' in raw
      ? objectiveTargetsSchema
      : fixedTargetsSchema;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InvalidServicePolicyError(issuesOf(parsed.error, 'planningPolicy.targets'));
  const policy = parsed.data;
  if ('objective' in policy && policy.minWeight > policy.maxWeight) {
    throw new InvalidServicePolicyError([
      { path: 'planningPolicy.targets.minWeight', message: 'must not exceed maxWeight' },
    ]);
  }
  return policy;
}

/** The state's approval policy over the given defaults. @throws InvalidServicePolicyError */
export function parseApprovalPolicy(raw: unknown, defaults: ApprovalPolicy): ApprovalPolicy {
  if (raw === undefined) return defaults;
  const parsed = approvalPolicySchema.safeParse(raw);
  if (!parsed.success) throw new InvalidServicePolicyError(issuesOf(parsed.error, 'planningPolicy.approval'));
  const policy = {
    thresholdValue: parsed.data.thresholdValue ?? defaults.thresholdValue,
    fourEyesValue: parsed.data.fourEyesValue ?? defaults.fourEyesValue,
    expiresAfterMinutes: parsed.data.expiresAfterMinutes ?? defaults.expiresAfterMinutes,
  };
  if (compareDecimals(policy.fourEyesValue, policy.thresholdValue) < 0) {
    throw new InvalidServicePolicyError([
      {
        path: 'planningPolicy.approval.fourEyesValue',
        message: `${policy.fourEyesValue} is below thresholdValue ${policy.thresholdValue}`,
      },
    ]);
  }
  return policy;
}

/**
 * Every problem of the service fields of a planning policy, for a writer (the api) to refuse them:
 * the shapes above; `fourEyesValue` below `thresholdValue` when both are given.
 */
export function servicePolicyIssues(
  planningPolicy: Record<string, unknown> | undefined,
): ServicePolicyIssue[] {
  const issues: ServicePolicyIssue[] = [];
  const collect = (read: () => unknown) => {
    try {
      read();
    } catch (error) {
      if (!(error instanceof InvalidServicePolicyError)) throw error;
      issues.push(...error.issues);
    }
  };
  collect(() => parseTargetPolicy(planningPolicy?.['targets']));
  const approval = planningPolicy?.['approval'];
  collect(() =>
    parseApprovalPolicy(approval, {
      // Neutral defaults: only the fields given are compared with each other.
      thresholdValue: '0',
      fourEyesValue:
        typeof approval === 'object' && approval !== null && 'thresholdValue' in approval
          ? String(approval.thresholdValue)
          : '0',
      expiresAfterMinutes: 1,
    }),
  );
  return issues;
}

function issuesOf(error: z.ZodError, root: string): ServicePolicyIssue[] {
  return error.issues
    .flatMap((issue) =>
      issue.code === 'invalid_union'
        ? issue.errors.flat().map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }))
        : [issue],
    )
    .map((issue) => ({
      path: `${root}${issue.path.map((part) => `.${String(part)}`).join('')}`,
      message: issue.message,
    }));
}

/** Compares two non-negative decimal strings exactly (no binary floats for money). */
function compareDecimals(a: string, b: string): number {
  const [aWhole = '0', aFraction = ''] = a.split('.');
  const [bWhole = '0', bFraction = ''] = b.split('.');
  const digits = Math.max(aFraction.length, bFraction.length);
  const left = BigInt(aWhole + aFraction.padEnd(digits, '0'));
  const right = BigInt(bWhole + bFraction.padEnd(digits, '0'));
  return left < right ? -1 : left > right ? 1 : 0;
}
