/**
 * Named errors of the planner. Messages are stable and say which constraint failed and by how much;
 * the numbers are also fields, so a service can log them or put them into a dead-letter reason
 * without parsing the text. A plan either satisfies every constraint or is not produced at all:
 * nothing half-done (issue 3).
 */
export abstract class PlannerError extends Error {
  abstract override readonly name: string;
}

/**
 * The policy's withdrawal (`policy.cashFlow` below zero, from `policy.cashFlowAccount`) is more than
 * the account can raise even by selling everything it may sell, after costs: cash never moves between
 * accounts in a plan, so no plan can pay it.
 */
export class WithdrawalInfeasibleError extends PlannerError {
  override readonly name = 'WithdrawalInfeasibleError';

  constructor(
    readonly account: string,
    /** Decimal strings. */
    readonly withdrawal: string,
    readonly raisable: string,
    readonly shortfall: string,
  ) {
    super(
      `policy.cashFlow: a withdrawal of ${withdrawal} from account "${account}" cannot be raised: ` +
        `its cash and what it may sell come to at most ${raisable} after costs (short by ${shortfall})`,
    );
  }
}

/**
 * An account cannot reach its cash buffer even by selling everything it may sell (after costs), so
 * no plan can satisfy the policy.
 */
export class CashBufferInfeasibleError extends PlannerError {
  override readonly name = 'CashBufferInfeasibleError';

  constructor(
    readonly account: string,
    /** Decimal strings. */
    readonly requiredCash: string,
    readonly achievableCash: string,
    readonly shortfall: string,
  ) {
    super(
      `policy.cashBuffer cannot be met in account "${account}": it needs ${requiredCash} in cash, ` +
        `at most ${achievableCash} is reachable by selling what may be sold (short by ${shortfall})`,
    );
  }
}

/**
 * A symbol has a positive target but is held nowhere and may not be bought (halted or do-not-buy),
 * so the target is unreachable whatever the plan does.
 */
export class UnreachableTargetError extends PlannerError {
  override readonly name = 'UnreachableTargetError';

  constructor(
    readonly symbol: string,
    readonly targetWeight: number,
    readonly restriction: 'halted' | 'doNotBuy',
  ) {
    super(
      `targets.${symbol} (${targetWeight}) is unreachable: ${symbol} is held nowhere and ` +
        `policy.restrictions.${restriction} lists it, so it cannot be bought (short by the whole ${targetWeight})`,
    );
  }
}

/** The optimisation found no plan that satisfies every constraint, or the solver failed. */
export class InfeasiblePlanError extends PlannerError {
  override readonly name = 'InfeasiblePlanError';

  constructor(
    /** Which constraint, as a policy field where one is to blame. */
    readonly constraint: string,
    readonly detail: string,
  ) {
    super(`no plan satisfies ${constraint}: ${detail}`);
  }
}

/** A planner input that the portfolio model does not already reject (e.g. an `asOf` without prices). */
export class InvalidPlanInputError extends PlannerError {
  override readonly name = 'InvalidPlanInputError';

  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}
