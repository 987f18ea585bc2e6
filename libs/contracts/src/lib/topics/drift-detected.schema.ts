import { z } from 'zod';
import { currencyCode } from '../currency';
import { decimalString, nonNegativeDecimalString, positiveDecimalString } from '../decimal-string';
import { reportDuplicates } from '../duplicates';
import { isoDateString, isoDateTimeString, nonEmptyString, tickerSymbol, uuidString } from '../primitives';

/** Emitted by monitor when a portfolio leaves its drift bands; starts a rebalancing run. */
export const DRIFT_DETECTED_TOPIC = 'drift.detected';
export const DRIFT_DETECTED_SCHEMA_VERSION = 1;
/** Partitioned by the payload's `portfolioId`, so one portfolio's runs stay in order. */
export const DRIFT_DETECTED_KEY = 'portfolioId';

/**
 * How far computed weights may be from the identities they must satisfy (weights sum to 1,
 * drift = current - target): room for binary rounding, far below any band (1 bp = 1e-4).
 */
export const DRIFT_TOLERANCE = 1e-9;

export const DRIFT_DIRECTIONS = ['over', 'under'] as const;
export type DriftDirection = (typeof DRIFT_DIRECTIONS)[number];

const weight = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const direction = z.enum(DRIFT_DIRECTIONS, { error: 'must be "over" or "under"' });
const bandBps = z.int().min(1).max(10_000);

/** A holding's weight is outside the policy's absolute band: |drift| > bandBps / 10 000. */
export const absoluteBandTriggerSchema = z.object({
  kind: z.literal('absolute-band'),
  symbol: tickerSymbol,
  /** currentWeight - targetWeight, as a fraction of the portfolio. */
  drift: z.number().min(-1).max(1),
  bandBps,
  /** `over` when the holding is above its target (it should be sold down). */
  direction,
});

/** A holding's weight is outside the policy's relative band: |drift / target| > bandBps / 10 000. */
export const relativeBandTriggerSchema = z.object({
  kind: z.literal('relative-band'),
  symbol: tickerSymbol,
  /** (currentWeight - targetWeight) / targetWeight. */
  relativeDrift: z.number(),
  bandBps,
  direction,
});

/*
 * The kinds below concern the whole portfolio or a group of symbols rather than one symbol. They
 * carry `symbol` and `direction` only as optional fields (always absent for calendar, cash-flow and
 * cash-buffer; `direction` set for a sleeve) so that consumers written against the two band kinds,
 * which read `trigger.symbol`, keep compiling and read `undefined` for them.
 */

/** A sleeve's weight (the sum of its symbols') is outside the sleeve's own band (`policy.bands.sleeves`). */
export const sleeveBandTriggerSchema = z.object({
  kind: z.literal('sleeve-band'),
  sleeve: nonEmptyString,
  symbols: z.array(tickerSymbol).min(1),
  currentWeight: weight,
  targetWeight: weight,
  /** currentWeight - targetWeight. */
  drift: z.number().min(-1).max(1),
  /** Which band was exceeded: absolute (a weight) or relative (a fraction of the target), in bps. */
  band: z.object({ kind: z.enum(['absolute', 'relative']), bandBps }),
  direction,
  symbol: tickerSymbol.optional(),
});

/** A scheduled rebalance date (`policy.calendar`) has come since the last rebalance. */
export const calendarTriggerSchema = z.object({
  kind: z.literal('calendar'),
  frequency: z.enum(['monthly', 'quarterly', 'annually']),
  day: z.int().min(1).max(31),
  /** The latest scheduled date on or before the as-of date. */
  scheduled: isoDateString,
  lastRebalance: isoDateString.nullable(),
  symbol: tickerSymbol.optional(),
  direction: direction.optional(),
});

/** A deposit (positive amount) or withdrawal (negative) is pending in an account (`policy.cashFlow`). */
export const cashFlowTriggerSchema = z.object({
  kind: z.literal('cash-flow'),
  accountId: nonEmptyString,
  /** Signed decimal string, in the base currency. */
  amount: decimalString,
  symbol: tickerSymbol.optional(),
  direction: direction.optional(),
});

/** An account holds less cash than its buffer (`policy.cashBuffer` of its value). */
export const cashBufferTriggerSchema = z.object({
  kind: z.literal('cash-buffer'),
  accountId: nonEmptyString,
  cash: nonNegativeDecimalString,
  required: nonNegativeDecimalString,
  symbol: tickerSymbol.optional(),
  direction: direction.optional(),
});

/** Why the run started; a union on `kind` so that new kinds of trigger are additive. */
export const driftTriggerSchema = z.discriminatedUnion('kind', [
  absoluteBandTriggerSchema,
  relativeBandTriggerSchema,
  sleeveBandTriggerSchema,
  calendarTriggerSchema,
  cashFlowTriggerSchema,
  cashBufferTriggerSchema,
]);

/** The market regime of the policy's benchmark and the band scaling it caused (adaptive bands). */
export const driftRegimeSchema = z.object({
  benchmark: tickerSymbol,
  /** Null until the benchmark has enough daily closes for the classifier's window. */
  regime: z.enum(['low-vol', 'moderate', 'high-vol', 'crisis']).nullable(),
  /** Effective band / policy band (1 when unchanged). */
  bandScale: z.number().positive(),
  /** Effective cooldown after the regime's multiplier. */
  cooldownDays: z.int().min(0),
  reason: z.string().min(1),
});

/** Risk statistics of the portfolio's daily value series, as the monitor keeps it. */
export const driftRiskSnapshotSchema = z.object({
  /** Current drawdown from the running peak, as a positive fraction (0.12 = 12% below the peak). */
  drawdown: z.number().min(0).max(1),
  /** Annualised volatility of daily returns; null with too few returns. */
  annualVolatility: z.number().min(0).nullable(),
  /** Daily returns the statistics are computed from. */
  observations: z.int().min(0),
  /** The largest current weight of one holding. */
  maxPositionWeight: weight,
});

/** One row of the drift table, for a symbol that is held or targeted (a held, untargeted symbol has target 0). */
export const driftRowSchema = z.object({
  symbol: tickerSymbol,
  targetWeight: weight,
  currentWeight: weight,
  /** currentWeight - targetWeight. */
  drift: z.number().min(-1).max(1),
  /** drift / targetWeight; null when the target is 0, where it is undefined. */
  relativeDrift: z.number().nullable(),
  /** Quantity times price, in the base currency. */
  marketValue: nonNegativeDecimalString,
  /** Units held across all accounts. */
  quantity: nonNegativeDecimalString,
});

/** A price the valuation used, so that consumers can reproduce it and judge its staleness. */
export const priceUsedSchema = z.object({
  symbol: tickerSymbol,
  price: positiveDecimalString,
  currency: currencyCode,
  asOf: isoDateTimeString,
  source: nonEmptyString,
});

export const driftDetectedPayloadSchema = z
  .object({
    portfolioId: uuidString,
    /** The `portfolio.state` version the drift was computed from; consumers ignore stale runs. */
    stateVersion: z.int().positive(),
    /** The latest price time used: the valuation's as-of. */
    asOf: isoDateTimeString,
    /** The currency of every money amount in this message. */
    baseCurrency: currencyCode,
    triggers: z.array(driftTriggerSchema).min(1, 'drift.detected needs at least one trigger'),
    /** Every symbol held or targeted, one row each; with cash, current weights sum to 1. */
    drift: z.array(driftRowSchema),
    /** Uninvested cash across all accounts, in the base currency, and its share of totalValue (target 0). */
    cash: z.object({ value: nonNegativeDecimalString, weight }),
    totalValue: positiveDecimalString,
    /**
     * Half the sum of |drift| over the rows and cash (whose target is 0, since targets sum to 1):
     * the fraction of the portfolio that would have to change hands to reach the targets.
     */
    portfolioDrift: weight,
    pricesUsed: z.array(priceUsedSchema),
    /** Optional (added after v1): the regime behind adaptive bands, when the policy asks for them. */
    regime: driftRegimeSchema.optional(),
    /** Optional (added after v1): the risk snapshot the monitor computed with the drift. */
    risk: driftRiskSnapshotSchema.optional(),
  })
  .superRefine((payload, context) => {
    const issue = (path: (string | number)[], message: string) =>
      context.addIssue({ code: 'custom', path, message });

    reportDuplicates(
      payload.drift.map((row) => row.symbol),
      (index, symbol) => issue(['drift', index, 'symbol'], `duplicate drift row for "${symbol}"`),
    );
    reportDuplicates(
      payload.pricesUsed.map((price) => price.symbol),
      (index, symbol) => issue(['pricesUsed', index, 'symbol'], `duplicate price for "${symbol}"`),
    );

    payload.drift.forEach((row, index) => {
      const expected = row.currentWeight - row.targetWeight;
      if (Math.abs(row.drift - expected) > DRIFT_TOLERANCE) {
        issue(
          ['drift', index, 'drift'],
          `must equal currentWeight - targetWeight (${expected}), got ${row.drift}`,
        );
      }
      if (row.targetWeight === 0) {
        if (row.relativeDrift !== null) {
          issue(['drift', index, 'relativeDrift'], 'must be null when targetWeight is 0');
        }
      } else if (row.relativeDrift === null) {
        issue(['drift', index, 'relativeDrift'], 'must be a number when targetWeight is not 0');
      } else {
        const expectedRelative = row.drift / row.targetWeight;
        if (
          Math.abs(row.relativeDrift - expectedRelative) >
          DRIFT_TOLERANCE * Math.max(1, Math.abs(expectedRelative))
        ) {
          issue(
            ['drift', index, 'relativeDrift'],
            `must equal drift / targetWeight (${expectedRelative}), got ${row.relativeDrift}`,
          );
        }
      }
    });

    const currentSum = payload.drift.reduce((sum, row) => sum + row.currentWeight, payload.cash.weight);
    if (Math.abs(currentSum - 1) > DRIFT_TOLERANCE) {
      issue(['drift'], `current weights plus cash weight must sum to 1, got ${currentSum}`);
    }
    const targetSum = payload.drift.reduce((sum, row) => sum + row.targetWeight, 0);
    if (Math.abs(targetSum - 1) > DRIFT_TOLERANCE) {
      issue(['drift'], `target weights must sum to 1 (every targeted symbol has a row), got ${targetSum}`);
    }

    const symbols = new Set(payload.drift.map((row) => row.symbol));
    payload.triggers.forEach((trigger, index) => {
      if (trigger.symbol !== undefined && !symbols.has(trigger.symbol)) {
        issue(['triggers', index, 'symbol'], `"${trigger.symbol}" has no row in the drift table`);
      }
      if (trigger.kind === 'sleeve-band') {
        trigger.symbols.forEach((symbol, position) => {
          if (!symbols.has(symbol)) {
            issue(['triggers', index, 'symbols', position], `"${symbol}" has no row in the drift table`);
          }
        });
      }
    });
  });

export type AbsoluteBandTrigger = z.infer<typeof absoluteBandTriggerSchema>;
export type RelativeBandTrigger = z.infer<typeof relativeBandTriggerSchema>;
export type SleeveBandTrigger = z.infer<typeof sleeveBandTriggerSchema>;
export type CalendarTrigger = z.infer<typeof calendarTriggerSchema>;
export type CashFlowTrigger = z.infer<typeof cashFlowTriggerSchema>;
export type CashBufferTrigger = z.infer<typeof cashBufferTriggerSchema>;
export type DriftRegime = z.infer<typeof driftRegimeSchema>;
export type DriftRiskSnapshot = z.infer<typeof driftRiskSnapshotSchema>;
export type DriftTrigger = z.infer<typeof driftTriggerSchema>;
export type DriftTriggerKind = DriftTrigger['kind'];
/** Every trigger kind, for exhaustive handling and tests. */
export const DRIFT_TRIGGER_KINDS = [
  'absolute-band',
  'relative-band',
  'sleeve-band',
  'calendar',
  'cash-flow',
  'cash-buffer',
] as const satisfies readonly DriftTriggerKind[];
export type DriftRow = z.infer<typeof driftRowSchema>;
export type PriceUsed = z.infer<typeof priceUsedSchema>;
export type DriftDetectedPayload = z.infer<typeof driftDetectedPayloadSchema>;
