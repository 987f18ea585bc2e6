import { z } from 'zod';

const money = z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal string, e.g. "10000"');

/**
 * `planningPolicy.approval`: when a person must approve the orders of a proposal. Compared with the
 * gross value of the orders (buys plus sells at their reference prices):
 *  - up to `thresholdValue`: approved by policy (no person);
 *  - above it: one approver; above `fourEyesValue`: two different people;
 *  - either way the approval expires `expiresAfterMinutes` after the proposal.
 * Fields left out take the service's defaults (APPROVAL_* variables).
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

/** A `planningPolicy.approval` that does not parse; names the field. */
export class InvalidApprovalPolicyError extends Error {
  override readonly name = 'InvalidApprovalPolicyError';
}

export function parseApprovalPolicy(raw: unknown, defaults: ApprovalPolicy): ApprovalPolicy {
  if (raw === undefined) return defaults;
  const parsed = approvalPolicySchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidApprovalPolicyError(
      parsed.error.issues
        .map(
          (issue) =>
            `planningPolicy.approval${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}`,
        )
        .join('; '),
    );
  }
  const policy = {
    thresholdValue: parsed.data.thresholdValue ?? defaults.thresholdValue,
    fourEyesValue: parsed.data.fourEyesValue ?? defaults.fourEyesValue,
    expiresAfterMinutes: parsed.data.expiresAfterMinutes ?? defaults.expiresAfterMinutes,
  };
  if (Number(policy.fourEyesValue) < Number(policy.thresholdValue)) {
    throw new InvalidApprovalPolicyError(
      `planningPolicy.approval.fourEyesValue: ${policy.fourEyesValue} is below thresholdValue ${policy.thresholdValue}`,
    );
  }
  return policy;
}
