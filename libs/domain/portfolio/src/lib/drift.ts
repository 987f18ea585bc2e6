import { sumFloats } from './float-sum';
import { type TargetWeight } from './holdings';
import { compareSymbols } from './symbol-order';
import { cashTargetWeight, validateTargets } from './targets';
import { type Valuation } from './valuation';

/** One symbol's position against its target. Weights are floats, fractions of total value. */
export interface DriftRow {
  readonly symbol: string;
  /** 0 for a held symbol without a target. */
  readonly targetWeight: number;
  /** 0 for a target symbol not held. */
  readonly currentWeight: number;
  /** `currentWeight − targetWeight`: positive when overweight. */
  readonly drift: number;
  /** `drift / targetWeight`; `null` when the target is 0 (any holding is then infinitely off). */
  readonly relativeDrift: number | null;
  /** Decimal string; `0` for a target symbol not held. */
  readonly marketValue: string;
  /** Decimal string; `0` for a target symbol not held. */
  readonly quantity: string;
}

/** Cash against its implied target (`1 − Σ target weights`). */
export interface CashDrift {
  /** Decimal string. */
  readonly value: string;
  readonly weight: number;
  readonly targetWeight: number;
  /** `weight − targetWeight`. */
  readonly drift: number;
}

/** A valuation compared with target weights. */
export interface DriftReport {
  /** Decimal string, as in the valuation. */
  readonly totalValue: string;
  /** One per symbol held or targeted, sorted by symbol. */
  readonly rows: readonly DriftRow[];
  readonly cash: CashDrift;
  /**
   * Half the sum of absolute drifts, cash included: `(Σ |drift| + |cash drift|) / 2`, in [0, 1]
   * for long-only portfolios. It is the fraction of the portfolio that must change hands (one-way
   * turnover) to reach the targets, and equals the sum of the positive drifts since drifts sum to
   * zero; the same measure as active share (K. J. M. Cremers and A. Petajisto, "How Active Is Your
   * Fund Manager?", Review of Financial Studies 22(9), 2009).
   */
  readonly portfolioDrift: number;
}

/**
 * Compares a valuation with target weights.
 *
 * Rows cover the union of targeted and held symbols (zero-quantity positions included). The cash
 * target is `1 − Σ target weights` (0 when they sum to 1), so that targets and holdings both cover
 * the whole portfolio and `Σ drift + cash drift = 0` up to float rounding.
 *
 * @throws InvalidTargetsError when the targets fail {@link validateTargets}.
 */
export function computeDrift(valuation: Valuation, targets: readonly TargetWeight[]): DriftReport {
  validateTargets(targets);
  const targetBySymbol = new Map(targets.map((target) => [target.symbol, target.weight]));
  const heldBySymbol = new Map(valuation.holdings.map((holding) => [holding.symbol, holding]));
  const symbols = [...new Set([...targetBySymbol.keys(), ...heldBySymbol.keys()])].sort(compareSymbols);

  const rows = symbols.map((symbol): DriftRow => {
    const held = heldBySymbol.get(symbol);
    const targetWeight = targetBySymbol.get(symbol) ?? 0;
    const currentWeight = held?.weight ?? 0;
    const drift = currentWeight - targetWeight;
    return {
      symbol,
      targetWeight,
      currentWeight,
      drift,
      relativeDrift: targetWeight === 0 ? null : drift / targetWeight,
      marketValue: held?.marketValue ?? '0',
      quantity: held?.quantity ?? '0',
    };
  });

  const cashTarget = cashTargetWeight(targets);
  const cashDrift = valuation.cash.weight - cashTarget;
  return {
    totalValue: valuation.totalValue,
    rows,
    cash: {
      value: valuation.cash.value,
      weight: valuation.cash.weight,
      targetWeight: cashTarget,
      drift: cashDrift,
    },
    portfolioDrift: sumFloats([...rows.map((row) => Math.abs(row.drift)), Math.abs(cashDrift)]) / 2,
  };
}
