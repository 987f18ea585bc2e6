import { BadRequestException } from '@nestjs/common';
import { type PortfolioStatePayload } from '@ballast/contracts';
import { InvalidPortfolioFileError, parsePortfolioFile } from '@ballast/domain-portfolio';
import { SERVICE_POLICY_FIELDS, servicePolicyIssues } from '@ballast/platform-ledger-snapshot';

/**
 * Checks a snapshot's `planningPolicy` and `sleeves` with the parser of `ballast plan`'s portfolio
 * file, the same one the optimizer and tax services read them with: what the API accepts, they can
 * plan with. Issues name the field as the client sent it (`planningPolicy.cooldownDays: ...`).
 *
 * @throws BadRequestException (400 ValidationError) listing every problem.
 */
export function assertPlanningPolicy(state: PortfolioStatePayload): void {
  if (state.planningPolicy === undefined && state.sleeves === undefined) return;
  // The service-owned fields (the optimizer's targets, the tax service's approval thresholds, the
  // monitor's adaptive bands and risk limits) are not portfolio-file fields: checked by their owners'
  // shapes here, then left out of the file the planner's parser reads.
  const issues: { path: string; message: string }[] = servicePolicyIssues(state.planningPolicy).map(
    (issue) => ({ path: issue.path, message: issue.message }),
  );
  for (const field of ['adaptiveBands', 'riskLimits'] as const) {
    const value = state.planningPolicy?.[field];
    if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      issues.push({ path: `planningPolicy.${field}`, message: 'expected an object' });
    }
  }
  const planningPolicy =
    state.planningPolicy === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(state.planningPolicy).filter(
            ([key]) => !(SERVICE_POLICY_FIELDS as readonly string[]).includes(key),
          ),
        );
  const file = {
    id: state.portfolioId,
    accounts: state.accounts.map((account) => ({
      id: account.accountId,
      type: account.type,
      cash: account.cash,
    })),
    targets: state.targets.map((target) => ({ symbol: target.symbol, weight: target.weight })),
    ...(state.sleeves === undefined ? {} : { sleeves: state.sleeves }),
    ...(planningPolicy === undefined ? {} : { policy: planningPolicy }),
  };
  try {
    parsePortfolioFile(file);
  } catch (error) {
    if (!(error instanceof InvalidPortfolioFileError)) throw error;
    issues.push(
      ...error.issues.map((issue) => ({
        path: issue.path.replace(/^policy\b/, 'planningPolicy'),
        message: issue.message,
      })),
    );
  }
  if (issues.length > 0) {
    throw new BadRequestException({
      error: 'ValidationError',
      message: issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
      issues,
    });
  }
}
