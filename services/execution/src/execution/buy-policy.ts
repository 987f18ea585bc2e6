import { type PortfolioStatePayload } from '@ballast/contracts';
import { InvalidPortfolioFileError, parsePortfolioFile } from '@ballast/domain-portfolio';
import { planningDate, portfolioDocumentFromState } from '@ballast/platform-ledger-snapshot';

/** The fields of the planning policy that size a buy cut to the available cash. */
export interface BuyPolicy {
  wholeShares: boolean;
  /** Decimal string, base currency. */
  minTradeValue: string;
  /** Fraction of the account's value kept in cash (0 when the policy sets none). */
  cashBuffer: number;
}

/** The planning policy of a snapshot could not be read; its message names the fields. */
export class UnreadableBuyPolicyError extends Error {
  override readonly name = 'UnreadableBuyPolicyError';
}

/** The cash buffer is a share of the account's value, and a symbol held in it has no price. */
export class UnpricedCashBufferError extends Error {
  override readonly name = 'UnpricedCashBufferError';
}

/**
 * The snapshot's policy as `ballast plan` reads it (`portfolioDocumentFromState`, then
 * `parsePortfolioFile`, the v1 `policy.minTradeValue` included), so that execution cuts buys with
 * the planner's own `wholeShares`, `minTradeValue` and `cashBuffer` and their defaults (whole shares,
 * 0, 0). An unreadable policy (the api validates it, so only a bug or a hand-made snapshot) comes
 * back as an error for the buy's rejection reason, never as guessed defaults.
 */
export function buyPolicyOf(state: PortfolioStatePayload, now: Date): BuyPolicy | UnreadableBuyPolicyError {
  try {
    const { policy } = parsePortfolioFile(
      portfolioDocumentFromState(state, planningDate(state, now.toISOString())),
    );
    return {
      wholeShares: policy.wholeShares,
      minTradeValue: policy.minTradeValue,
      cashBuffer: policy.cashBuffer,
    };
  } catch (error) {
    if (!(error instanceof InvalidPortfolioFileError)) throw error;
    return new UnreadableBuyPolicyError(
      `the planning policy of portfolio ${state.portfolioId} v${state.version} cannot be read: ${error.issues
        .map((issue) => `${issue.path.replace(/^policy\b/, 'planningPolicy')}: ${issue.message}`)
        .join('; ')}`,
    );
  }
}
