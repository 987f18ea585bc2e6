import { BadRequestException } from '@nestjs/common';
import { type PortfolioStatePayload } from '@ballast/contracts';
import { InvalidPortfolioFileError, parsePortfolioFile } from '@ballast/domain-portfolio';

/**
 * Checks a snapshot's `planningPolicy` and `sleeves` with the parser of `ballast plan`'s portfolio
 * file, the same one the optimizer and tax services read them with: what the API accepts, they can
 * plan with. Issues name the field as the client sent it (`planningPolicy.cooldownDays: ...`).
 *
 * @throws BadRequestException (400 ValidationError) listing every problem.
 */
export function assertPlanningPolicy(state: PortfolioStatePayload): void {
  if (state.planningPolicy === undefined && state.sleeves === undefined) return;
  const file = {
    id: state.portfolioId,
    accounts: state.accounts.map((account) => ({
      id: account.accountId,
      type: account.type,
      cash: account.cash,
    })),
    targets: state.targets.map((target) => ({ symbol: target.symbol, weight: target.weight })),
    ...(state.sleeves === undefined ? {} : { sleeves: state.sleeves }),
    ...(state.planningPolicy === undefined ? {} : { policy: state.planningPolicy }),
  };
  try {
    parsePortfolioFile(file);
  } catch (error) {
    if (!(error instanceof InvalidPortfolioFileError)) throw error;
    const issues = error.issues.map((issue) => ({
      path: issue.path.replace(/^policy\b/, 'planningPolicy'),
      message: issue.message,
    }));
    throw new BadRequestException({
      error: 'ValidationError',
      message: issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
      issues,
    });
  }
}
