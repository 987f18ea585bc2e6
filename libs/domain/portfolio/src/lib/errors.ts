/**
 * Named errors of the portfolio domain. Messages are stable (tests assert them and operators grep
 * for them), name what is wrong and where, and carry the offending data as fields so that a service
 * can put it into a log line or a dead-letter reason without parsing the message
 * (dinerojs/dinero.js, packages/dinero.js/src/core/checks/messages.ts).
 *
 * Every error extends {@link PortfolioDomainError}, so that the monitor can treat "this portfolio
 * cannot be valued" as one case: stop that portfolio's rebalancing, loudly (see DESIGN.md,
 * Guarantees), and keep processing the others.
 */
export abstract class PortfolioDomainError extends Error {
  abstract override readonly name: string;
}

/** A money amount, quantity or price is not a finite decimal string. */
export class InvalidDecimalError extends PortfolioDomainError {
  override readonly name = 'InvalidDecimalError';

  constructor(
    /** What the value was meant to be, e.g. `quantity of VTI`. */
    readonly what: string,
    readonly value: unknown,
  ) {
    super(`${what}: expected a finite decimal string such as "1234.56", got ${describeValue(value)}`);
  }
}

/**
 * The exact result of a money or quantity operation needs more significant digits (or a wider
 * exponent) than the configured decimal type holds, so it would have been rounded. Money is never
 * rounded silently.
 */
export class DecimalPrecisionError extends PortfolioDomainError {
  override readonly name = 'DecimalPrecisionError';

  constructor(
    readonly what: string,
    readonly significantDigits: number,
  ) {
    super(`${what}: the exact result does not fit in ${significantDigits} significant digits`);
  }
}

/** Holdings that cannot be valued as given: an empty symbol, a symbol held twice. */
export class InvalidHoldingsError extends PortfolioDomainError {
  override readonly name = 'InvalidHoldingsError';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid holdings: ${problems.join('; ')}`);
  }
}

/** Held symbols (non-zero quantity) without a price quote; lists every one of them, sorted. */
export class MissingPriceError extends PortfolioDomainError {
  override readonly name = 'MissingPriceError';

  constructor(readonly symbols: readonly string[]) {
    super(`Missing price for held symbol(s): ${symbols.join(', ')}`);
  }
}

/** Price quotes that are present but unusable (not a decimal, not positive, filed under another symbol). */
export class InvalidPriceError extends PortfolioDomainError {
  override readonly name = 'InvalidPriceError';

  constructor(readonly problems: readonly { symbol: string; problem: string }[]) {
    super(`Invalid price(s): ${problems.map((p) => `${p.symbol}: ${p.problem}`).join('; ')}`);
  }
}

/** The total value (cash plus market value) is zero or negative, so weights are undefined. */
export class NonPositivePortfolioValueError extends PortfolioDomainError {
  override readonly name = 'NonPositivePortfolioValueError';

  constructor(
    /** Decimal string. */
    readonly totalValue: string,
  ) {
    super(`Portfolio total value is ${totalValue}; weights are defined only for a positive total value`);
  }
}

/** Target weights that do not describe an allocation; lists every problem found. */
export class InvalidTargetsError extends PortfolioDomainError {
  override readonly name = 'InvalidTargetsError';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid target weights: ${problems.join('; ')}`);
  }
}

/** A tolerance band that is not a finite, non-negative number of basis points. */
export class InvalidBandError extends PortfolioDomainError {
  override readonly name = 'InvalidBandError';

  constructor(readonly bandBps: number) {
    super(`Band must be a finite, non-negative number of basis points, got ${String(bandBps)}`);
  }
}

/** A short, safe rendering of a bad input for an error message. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return `${typeof value} ${String(value)}`;
  }
  return value === null ? 'null' : typeof value;
}
