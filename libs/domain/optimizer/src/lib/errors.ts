/**
 * Named errors of the optimizer domain. Messages are stable (tests assert them, operators grep for
 * them) and name what is wrong; the offending data rides along as fields
 * (dinerojs/dinero.js, packages/dinero.js/src/core/checks/messages.ts).
 */
export abstract class OptimizerDomainError extends Error {
  abstract override readonly name: string;
}

/** Too few observations (or assets) to estimate what was asked. */
export class InsufficientDataError extends OptimizerDomainError {
  override readonly name = 'InsufficientDataError';

  constructor(
    readonly what: string,
    readonly needed: number,
    readonly got: number,
  ) {
    super(`${what}: needs at least ${needed} observations, got ${got}`);
  }
}

/** An input holds NaN, an infinity, a non-positive price, or has inconsistent dimensions. */
export class InvalidInputError extends OptimizerDomainError {
  override readonly name = 'InvalidInputError';

  constructor(readonly problem: string) {
    super(`invalid input: ${problem}`);
  }
}

/** A series whose variance is zero (a constant price) cannot enter a correlation or a beta. */
export class ConstantSeriesError extends OptimizerDomainError {
  override readonly name = 'ConstantSeriesError';

  constructor(readonly asset: string) {
    super(`${asset}: the return series is constant (zero variance)`);
  }
}

/** A matrix that must be positive definite (a covariance the solver factorises) is not. */
export class NonPositiveDefiniteCovarianceError extends OptimizerDomainError {
  override readonly name = 'NonPositiveDefiniteCovarianceError';

  constructor(readonly detail: string) {
    super(`covariance matrix is not positive definite: ${detail}`);
  }
}

/** The constraints admit no portfolio; `conflict` names the constraints that clash. */
export class InfeasibleConstraintsError extends OptimizerDomainError {
  override readonly name = 'InfeasibleConstraintsError';

  constructor(readonly conflict: string) {
    super(`infeasible constraints: ${conflict}`);
  }
}

/** Maximum Sharpe ratio is undefined when no asset's expected return exceeds the risk-free rate. */
export class NoAssetAboveRiskFreeRateError extends OptimizerDomainError {
  override readonly name = 'NoAssetAboveRiskFreeRateError';

  constructor(
    readonly riskFreeRate: number,
    readonly maxExpectedReturn: number,
  ) {
    super(
      `max-sharpe: no expected return exceeds the risk-free rate ${riskFreeRate} (highest is ${maxExpectedReturn})`,
    );
  }
}

/** An iterative method hit its iteration cap without meeting its tolerance. */
export class SolverDidNotConvergeError extends OptimizerDomainError {
  override readonly name = 'SolverDidNotConvergeError';

  constructor(
    readonly solver: string,
    readonly iterations: number,
  ) {
    super(`${solver}: no convergence after ${iterations} iterations`);
  }
}
