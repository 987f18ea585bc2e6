import { Decimal } from '@ballast/domain-portfolio';
import { InvalidAmountError, type NettingResult } from './capital-loss-netting';

/**
 * Marginal rates as fractions (0.37, not 37): a plan compares the tax of alternatives, so one
 * marginal rate per character is what matters, not the bracket schedule.
 */
export interface TaxRates {
  /** Rate on net short-term gains (ordinary income). */
  readonly shortTerm: number;
  /** Rate on net long-term gains. */
  readonly longTerm: number;
  /** State rate applied to all net gains (most states tax both characters as ordinary income). */
  readonly state?: number;
  /** Rate at which the deducted net loss saves ordinary-income tax; defaults to `shortTerm`. */
  readonly ordinaryIncome?: number;
}

export interface TaxEstimate {
  readonly shortTermTax: string;
  readonly longTermTax: string;
  readonly stateTax: string;
  /** Tax saved by deducting a net loss from ordinary income (federal and state). */
  readonly lossDeductionSaving: string;
  /** shortTermTax + longTermTax + stateTax − lossDeductionSaving; negative when the year saves tax. */
  readonly total: string;
}

function rate(value: number | undefined, field: string): Decimal {
  if (value === undefined) return new Decimal(0);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new InvalidAmountError(`${field}: ${value} must be a fraction between 0 and 1 (0.37 for 37%)`);
  }
  // Through the shortest decimal representation, so 0.15 is 0.15, not its binary approximation.
  return new Decimal(String(value));
}

/**
 * Tax of one year's netted gains in a taxable account: short-term and long-term gains at their
 * rates, the state rate on both, minus what a deducted net loss saves. Rounded to cents (half-even)
 * per line; the total is the exact sum of the rounded lines.
 *
 * @throws InvalidAmountError for a rate outside [0, 1].
 */
export function estimateTax(netting: NettingResult, rates: TaxRates): TaxEstimate {
  const shortRate = rate(rates.shortTerm, 'rates.shortTerm');
  const longRate = rate(rates.longTerm, 'rates.longTerm');
  const stateRate = rate(rates.state, 'rates.state');
  const ordinaryRate =
    rates.ordinaryIncome === undefined ? shortRate : rate(rates.ordinaryIncome, 'rates.ordinaryIncome');
  const cents = (value: Decimal) => value.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);

  const shortGain = new Decimal(netting.taxableShortTermGain);
  const longGain = new Decimal(netting.taxableLongTermGain);
  const deducted = new Decimal(netting.deductedLoss);
  const shortTermTax = cents(shortGain.times(shortRate));
  const longTermTax = cents(longGain.times(longRate));
  const stateTax = cents(shortGain.plus(longGain).times(stateRate));
  const lossDeductionSaving = cents(deducted.times(ordinaryRate.plus(stateRate)));
  return {
    shortTermTax: shortTermTax.toFixed(2),
    longTermTax: longTermTax.toFixed(2),
    stateTax: stateTax.toFixed(2),
    lossDeductionSaving: lossDeductionSaving.toFixed(2),
    total: shortTermTax.plus(longTermTax).plus(stateTax).minus(lossDeductionSaving).toFixed(2),
  };
}
