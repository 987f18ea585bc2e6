import { Decimal } from '@ballast/domain-portfolio';

export interface CapitalLossCarryforward {
  /** Short-term capital loss carried into the year, as a positive decimal string. */
  readonly shortTerm: string;
  /** Long-term capital loss carried into the year, as a positive decimal string. */
  readonly longTerm: string;
}

export interface NettingInput {
  /** Realized short-term gains (positive) and losses (negative) of the year, decimal strings. */
  readonly shortTerm: readonly string[];
  /** Realized long-term gains and losses of the year. */
  readonly longTerm: readonly string[];
  /** Losses carried from earlier years (zero when none). */
  readonly carriedIn?: CapitalLossCarryforward;
  /** Net capital loss deductible against ordinary income in one year: 3000 (1500 married filing separately). */
  readonly annualLossLimit?: string;
}

export interface NettingResult {
  /** Short-term gains minus losses, carry-in included (negative: a net short-term loss). */
  readonly netShortTerm: string;
  readonly netLongTerm: string;
  /** netShortTerm + netLongTerm. */
  readonly netTotal: string;
  /** After netting across terms: the short-term gain taxed at ordinary rates (>= 0). */
  readonly taxableShortTermGain: string;
  /** After netting across terms: the long-term gain taxed at long-term rates (>= 0). */
  readonly taxableLongTermGain: string;
  /** Loss deducted from ordinary income this year (>= 0, at most the limit). */
  readonly deductedLoss: string;
  /** What carries to next year, keeping its character. */
  readonly carryforward: CapitalLossCarryforward;
}

/** A malformed amount; the message names the field. */
export class InvalidAmountError extends Error {
  override readonly name = 'InvalidAmountError';
}

function amount(value: string, field: string, nonNegative = false): Decimal {
  let parsed: Decimal;
  try {
    parsed = new Decimal(value);
  } catch {
    throw new InvalidAmountError(`${field}: "${value}" is not a decimal number`);
  }
  if (!parsed.isFinite()) throw new InvalidAmountError(`${field}: ${value} is not finite`);
  if (nonNegative && parsed.isNegative())
    throw new InvalidAmountError(`${field}: ${value} must not be negative`);
  return parsed;
}

const ZERO = new Decimal(0);
const positivePart = (value: Decimal) => Decimal.max(value, ZERO);

/**
 * US capital gain and loss netting for one tax year (Schedule D; IRS Publication 550, "Capital
 * Losses"): short-term gains and losses net together, long-term likewise (carried-in losses keep
 * their character), then the two nets offset each other. A net loss is deductible against ordinary
 * income up to the annual limit; the rest carries forward, short-term first absorbing the deduction,
 * as in the Capital Loss Carryover Worksheet of the Schedule D instructions:
 *   short-term carryover = max(0, net ST loss − (deduction + net LT gain))
 *   long-term carryover  = max(0, net LT loss − (net ST gain + max(0, deduction − net ST loss)))
 * Assumption: the deduction is not reduced by a negative taxable income (worksheet lines 1–3); the
 * caller applies that limit where it matters.
 *
 * @throws InvalidAmountError naming a malformed amount, a negative carry-in or limit.
 */
export function netCapitalGains(input: NettingInput): NettingResult {
  const sum = (values: readonly string[], field: string) =>
    values.reduce((total, value, index) => total.plus(amount(value, `${field}.${index}`)), ZERO);
  const carriedShort = amount(input.carriedIn?.shortTerm ?? '0', 'carriedIn.shortTerm', true);
  const carriedLong = amount(input.carriedIn?.longTerm ?? '0', 'carriedIn.longTerm', true);
  const limit = amount(input.annualLossLimit ?? '3000', 'annualLossLimit', true);

  const netShort = sum(input.shortTerm, 'shortTerm').minus(carriedShort);
  const netLong = sum(input.longTerm, 'longTerm').minus(carriedLong);
  const netTotal = netShort.plus(netLong);

  const shortLoss = positivePart(netShort.negated());
  const longLoss = positivePart(netLong.negated());
  const shortGain = positivePart(netShort);
  const longGain = positivePart(netLong);
  const deducted = netTotal.isNegative() ? Decimal.min(limit, netTotal.negated()) : ZERO;

  // Cross-term netting: a loss in one term reduces the gain in the other, so the short-term gain
  // that stays taxable is the net total, at most the short-term net gain itself.
  const taxableShort = netTotal.isPositive() ? Decimal.min(shortGain, netTotal) : ZERO;
  const taxableLong = netTotal.isPositive() ? netTotal.minus(taxableShort) : ZERO;

  return {
    netShortTerm: netShort.toFixed(),
    netLongTerm: netLong.toFixed(),
    netTotal: netTotal.toFixed(),
    taxableShortTermGain: taxableShort.toFixed(),
    taxableLongTermGain: taxableLong.toFixed(),
    deductedLoss: deducted.toFixed(),
    carryforward: {
      shortTerm: positivePart(shortLoss.minus(deducted.plus(longGain))).toFixed(),
      longTerm: positivePart(
        longLoss.minus(shortGain.plus(positivePart(deducted.minus(shortLoss)))),
      ).toFixed(),
    },
  };
}
