/**
 * Named errors of @ballast/domain-risk. Messages are stable (tests and callers may match them) and name
 * the statistic and the offending input, in the manner of dinero.js's checked API
 * (dinerojs/dinero.js, packages/dinero.js/src/core/checks/messages.ts).
 */
export class RiskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A series is shorter than the statistic or window requires. */
export class InsufficientDataError extends RiskError {
  constructor(
    readonly statistic: string,
    readonly required: number,
    readonly actual: number,
  ) {
    super(`${statistic} needs at least ${required} observations, got ${actual}`);
  }
}

/** An input holds NaN or ±Infinity; `index` is its position in `series`. */
export class NonFiniteValueError extends RiskError {
  constructor(
    readonly series: string,
    readonly index: number,
    readonly value: number,
  ) {
    super(`${series}[${index}] is not a finite number (${String(value)})`);
  }
}

/** A statistic divides by a standard deviation (or variance) that is zero. */
export class ZeroVarianceError extends RiskError {
  constructor(
    readonly statistic: string,
    readonly series: string,
  ) {
    super(`${statistic} is undefined: ${series} has zero variance`);
  }
}

/** A statistic has no finite value for this input (for example Omega with no return below the threshold). */
export class UndefinedStatisticError extends RiskError {
  constructor(
    readonly statistic: string,
    readonly reason: string,
  ) {
    super(`${statistic} is undefined: ${reason}`);
  }
}

/** Two series that must be aligned observation by observation differ in length. */
export class LengthMismatchError extends RiskError {
  constructor(
    readonly left: string,
    readonly leftLength: number,
    readonly right: string,
    readonly rightLength: number,
  ) {
    super(`${left} has ${leftLength} observations but ${right} has ${rightLength}`);
  }
}

/** Two series carry dates that differ at `index`. */
export class DateMismatchError extends RiskError {
  constructor(
    readonly index: number,
    readonly left: string,
    readonly right: string,
  ) {
    super(`dates differ at index ${index}: ${left} vs ${right}`);
  }
}

/** A parameter is outside its domain (confidence not in (0, 1), a negative horizon, a non-square matrix). */
export class InvalidParameterError extends RiskError {
  constructor(
    readonly parameter: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`${parameter} must be ${expected}, got ${String(value)}`);
  }
}

/** Two dated series (portfolio and benchmark, or two price files) share no date at all. */
export class NoOverlappingDatesError extends RiskError {
  constructor(
    readonly left: string,
    readonly leftRange: string,
    readonly right: string,
    readonly rightRange: string,
  ) {
    super(`${left} (${leftRange}) and ${right} (${rightRange}) have no date in common`);
  }
}

/** Dates of a series are not strictly increasing ISO dates (`YYYY-MM-DD`); `index` is the first bad one. */
export class UnsortedDatesError extends RiskError {
  constructor(
    readonly series: string,
    readonly index: number,
    readonly date: string,
  ) {
    super(`${series} dates must be strictly increasing YYYY-MM-DD dates; index ${index} is ${date}`);
  }
}

/** A stress scenario or a weight names a symbol (or a group) that the portfolio does not hold. */
export class UnknownSymbolError extends RiskError {
  constructor(
    readonly context: string,
    readonly symbol: string,
  ) {
    super(`${context}: unknown symbol or group ${symbol}`);
  }
}
