import { type BacktestResult, type PolicyMetrics } from '@ballast/domain-backtest';
import { type Align } from '../table';

/**
 * The comparison of a backtest's policies, one row of formatted cells per policy: what the
 * `ballast backtest` table prints and the HTML report shows, so the two always agree.
 *
 * The tax columns (`tax paid`, `after-tax value`) appear only when the result carries
 * `metrics.taxesPaid` / `metrics.afterTaxValue` (being added to the backtester): they are read as
 * optional fields, a number or a decimal string, so this works before and after they land.
 */
export interface ComparisonTable {
  readonly headers: readonly string[];
  readonly align: readonly Align[];
  readonly rows: readonly (readonly string[])[];
}

const BASE_COLUMNS: readonly { header: string; align: Align; cell: (m: PolicyMetrics) => string }[] = [
  { header: 'final value', align: 'right', cell: (m) => money(m.finalValue) },
  { header: 'CAGR', align: 'right', cell: (m) => pct(m.cagr) },
  { header: 'volatility', align: 'right', cell: (m) => pct(m.annualVolatility) },
  // Null when undefined (no volatility); compared with null so this also compiles where it is a plain number.
  { header: 'Sharpe', align: 'right', cell: (m) => (m.sharpe === null ? '-' : m.sharpe.toFixed(2)) },
  {
    header: 'max drawdown (trough)',
    align: 'right',
    cell: (m) => `${pct(m.maxDrawdown.depth)} (${m.maxDrawdown.trough ?? '-'})`,
  },
  { header: 'tracking error', align: 'right', cell: (m) => pct(m.trackingError) },
  { header: 'turnover/yr', align: 'right', cell: (m) => pct(m.annualTurnover) },
  { header: 'rebalances', align: 'right', cell: (m) => String(m.rebalances) },
  { header: 'trades', align: 'right', cell: (m) => String(m.trades) },
  { header: 'costs', align: 'right', cell: (m) => money(m.costs) },
  {
    header: 'out of band',
    align: 'right',
    cell: (m) => (m.timeOutOfBand === null ? '-' : pct(m.timeOutOfBand)),
  },
];

const TAX_COLUMNS: readonly { header: string; field: string }[] = [
  { header: 'tax paid', field: 'taxesPaid' },
  { header: 'after-tax value', field: 'afterTaxValue' },
];

export function comparisonTable(result: BacktestResult): ComparisonTable {
  const taxColumns = TAX_COLUMNS.filter((column) =>
    result.policies.some((policy) => optionalNumber(policy.metrics, column.field) !== undefined),
  );
  return {
    headers: ['policy', ...BASE_COLUMNS.map((c) => c.header), ...taxColumns.map((c) => c.header)],
    align: ['left', ...BASE_COLUMNS.map((c) => c.align), ...taxColumns.map((): Align => 'right')],
    rows: result.policies.map((policy) => [
      policy.name,
      ...BASE_COLUMNS.map((column) => column.cell(policy.metrics)),
      ...taxColumns.map((column) => {
        const value = optionalNumber(policy.metrics, column.field);
        return value === undefined ? '-' : money(value);
      }),
    ]),
  };
}

export function pct(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}

export function money(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/**
 * A numeric field the backtester's types may not declare yet (tax results are being added):
 * a finite number, or a decimal string such as `"1234.56"`; `undefined` when absent or unreadable.
 */
export function optionalNumber(record: object, field: string): number | undefined {
  const value = (record as Record<string, unknown>)[field];
  const parsed =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)
        ? Number(value)
        : undefined;
  return parsed !== undefined && Number.isFinite(parsed) ? parsed : undefined;
}
