/** A backtest that cannot run as configured; `field` names the part of the configuration at fault. */
export class BacktestConfigError extends Error {
  override readonly name = 'BacktestConfigError';

  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}
