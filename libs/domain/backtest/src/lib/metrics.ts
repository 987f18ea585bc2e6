import { type PortfolioFile } from '@ballast/domain-portfolio';
import {
  annualReturn,
  annualVolatility,
  maxDrawdown,
  sharpeRatio,
  sortinoRatio,
  trackingError,
  UndefinedStatisticError,
  ZeroVarianceError,
} from '@ballast/domain-risk';

/** Statistics of one policy's run. Ratios follow @ballast/domain-risk (empyrical's conventions, 252 days a year, risk-free 0). */
export interface PolicyMetrics {
  readonly finalValue: number;
  /** Compound annual growth of the time-weighted daily returns (cash flows taken out). */
  readonly cagr: number;
  readonly annualVolatility: number;
  /** `null` where the ratio is undefined: returns without variance (or without downside, for Sortino). */
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly maxDrawdown: {
    readonly depth: number;
    readonly peak: string | null;
    readonly trough: string | null;
    readonly recovery: string | null;
  };
  /** Annualised tracking error of the daily returns against the target mix rebalanced daily without costs. */
  readonly trackingError: number;
  /** One-way turnover per year: traded value / 2 / average value / years. */
  readonly annualTurnover: number;
  readonly rebalances: number;
  readonly trades: number;
  /** Spread, slippage and commissions paid, money. */
  readonly costs: number;
  /** Fraction of days with at least one holding outside the policy's bands; `null` when it has none. */
  readonly timeOutOfBand: number | null;
  readonly averageDrift: number;
  /** Tax paid from the taxable accounts' cash over the run, net of savings credited, money. */
  readonly taxesPaid: number;
  /**
   * What the household would keep after selling everything at the last close: the final value minus
   * the tax still owed (the last year, the liability in liability mode, and the gains of the
   * liquidation, all netted by the tax engine) minus income tax on traditional accounts' balances at
   * the ordinary (short-term) and state rates; Roth balances are tax-free.
   */
  readonly afterTaxValue: number;
  /** Wash-sale matches found (each a loss sale and a replacement purchase within 30 days). */
  readonly washSales: number;
  /** Dividends received in all accounts, money (0 for prices-only data). */
  readonly dividends: number;
  /** Losses realized by tax-loss harvesting sales, money (positive). */
  readonly harvestedLoss: number;
}

export interface MetricsInput {
  readonly dates: readonly string[];
  readonly value: Float64Array;
  /** Cash flow credited on each day (deposits positive), money. */
  readonly flows: Float64Array;
  readonly drift: Float64Array;
  readonly weights: readonly Float64Array[];
  /** The target weights in force on day t (per symbol, in `close` order): they change with optimizer-driven targets. */
  readonly targetsAt: (t: number) => readonly number[];
  readonly close: readonly Float64Array[];
  readonly events: readonly {
    readonly orders: number;
    readonly traded: number;
    readonly costs: number;
    readonly harvestedLoss?: number;
  }[];
  readonly policy: PortfolioFile['policy'];
  readonly taxes: { readonly paid: number; readonly afterTaxValue: number; readonly washSales: number };
  readonly dividends: number;
}

const DAYS_PER_YEAR = 252;

export function policyMetrics(input: MetricsInput): PolicyMetrics {
  const { value, flows, close } = input;
  const days = value.length;
  const returns = new Float64Array(days - 1);
  const targetReturns = new Float64Array(days - 1);
  for (let t = 1; t < days; t += 1) {
    returns[t - 1] = ((value[t] ?? 0) - (flows[t] ?? 0)) / (value[t - 1] ?? 1) - 1;
    let mix = 0;
    // Yesterday's targets, held through today's move: the daily-rebalanced target mix.
    input.targetsAt(t - 1).forEach((weight, j) => {
      const series = close[j] as Float64Array;
      mix += weight * ((series[t] ?? 0) / (series[t - 1] ?? 1) - 1);
    });
    targetReturns[t - 1] = mix;
  }
  const drawdown = maxDrawdown(returns, { dates: input.dates.slice(1) });
  const traded = input.events.reduce((sum, event) => sum + event.traded, 0);
  const averageValue = value.reduce((sum, v) => sum + v, 0) / days;
  const years = (days - 1) / DAYS_PER_YEAR;
  return {
    finalValue: value[days - 1] ?? 0,
    cagr: annualReturn(returns),
    annualVolatility: annualVolatility(returns),
    sharpe: definedOrNull(() => sharpeRatio(returns)),
    sortino: definedOrNull(() => sortinoRatio(returns)),
    maxDrawdown: {
      depth: drawdown.maxDrawdown,
      peak: drawdown.peakDate,
      trough: drawdown.troughDate,
      recovery: drawdown.recoveryDate,
    },
    trackingError: trackingError(returns, targetReturns),
    annualTurnover: years > 0 ? traded / 2 / averageValue / years : 0,
    rebalances: input.events.length,
    trades: input.events.reduce((sum, event) => sum + event.orders, 0),
    costs: input.events.reduce((sum, event) => sum + event.costs, 0),
    timeOutOfBand: timeOutOfBand(input),
    averageDrift: input.drift.reduce((sum, d) => sum + d, 0) / days,
    taxesPaid: input.taxes.paid,
    afterTaxValue: input.taxes.afterTaxValue,
    washSales: input.taxes.washSales,
    dividends: input.dividends,
    harvestedLoss: input.events.reduce((sum, event) => sum + (event.harvestedLoss ?? 0), 0),
  };
}

/** The risk library throws where a ratio is undefined (no variance, no downside); a run reports null. */
function definedOrNull(ratio: () => number): number | null {
  try {
    return ratio();
  } catch (error) {
    if (error instanceof ZeroVarianceError || error instanceof UndefinedStatisticError) return null;
    throw error;
  }
}

function timeOutOfBand(input: MetricsInput): number | null {
  const bands = input.policy.bands;
  if (bands.absolute === null && bands.relative === null) return null;
  let out = 0;
  for (let t = 0; t < input.value.length; t += 1) {
    const breached = input.targetsAt(t).some((target, j) => {
      const weight = (input.weights[j] as Float64Array)[t] ?? 0;
      const gap = Math.abs(weight - target);
      return (
        (bands.absolute !== null && gap > bands.absolute) ||
        (bands.relative !== null && (target === 0 ? weight > 0 : gap / target > bands.relative))
      );
    });
    if (breached) out += 1;
  }
  return out / input.value.length;
}
