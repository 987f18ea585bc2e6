import { z } from 'zod';
import { currencyCode } from '../currency';
import { reportDuplicates } from '../duplicates';
import { nonNegativeDecimalString, positiveDecimalString } from '../decimal-string';
import { isoDateString, isoDateTimeString, nonEmptyString, tickerSymbol, uuidString } from '../primitives';

/**
 * The ledger's full snapshot of one portfolio, produced by api. The topic is compacted, so the
 * latest snapshot per portfolio is kept forever and a new consumer rebuilds its view from it.
 */
export const PORTFOLIO_STATE_TOPIC = 'portfolio.state';
export const PORTFOLIO_STATE_SCHEMA_VERSION = 1;
/** Partitioned (and compacted) by the payload's `portfolioId`. */
export const PORTFOLIO_STATE_KEY = 'portfolioId';

/**
 * How long a booked order stays in `appliedOrderIds`: far longer than an order takes from its fill
 * to the ledger, so a consumer that sees a finished order of its own missing from a list this old
 * knows the ledger did not book it within the window (it was dead-lettered, or pruned).
 */
export const APPLIED_ORDER_IDS_RETENTION_DAYS = 7;

/** Tax treatment of an account: decides whether selling realizes a gain (taxable only). */
export const ACCOUNT_TYPES = ['taxable', 'traditional', 'roth'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

/** How far the sum of target weights may be from 1: room for binary rounding of decimal inputs. */
export const TARGET_WEIGHT_SUM_TOLERANCE = 1e-9;

/** One purchase of a position, kept so that tax-aware selling can pick which shares to sell. */
export const taxLotSchema = z.object({
  lotId: nonEmptyString,
  quantity: positiveDecimalString,
  /** Total cost of the whole lot (not per share), in the portfolio's base currency. */
  costBasis: nonNegativeDecimalString,
  /** Trade date; holding periods (short vs long term) and wash-sale windows count from it. */
  acquiredOn: isoDateString,
});

export const positionSchema = z
  .object({
    symbol: tickerSymbol,
    /** Units held (shares, fund units); fractional shares allowed. */
    quantity: nonNegativeDecimalString,
    /** Empty where lots are not tracked, e.g. in tax-advantaged accounts. */
    lots: z.array(taxLotSchema).default([]),
  })
  .superRefine((position, context) => {
    reportDuplicates(
      position.lots.map((lot) => lot.lotId),
      (index, lotId) =>
        context.addIssue({
          code: 'custom',
          path: ['lots', index, 'lotId'],
          message: `duplicate lot id "${lotId}"`,
        }),
    );
  });

export const accountSchema = z
  .object({
    accountId: nonEmptyString,
    name: nonEmptyString,
    type: z.enum(ACCOUNT_TYPES, { error: `must be one of ${ACCOUNT_TYPES.join(', ')}` }),
    /** Uninvested cash, in the base currency. */
    cash: nonNegativeDecimalString,
    positions: z.array(positionSchema),
  })
  .superRefine((account, context) => {
    reportDuplicates(
      account.positions.map((position) => position.symbol),
      (index, symbol) =>
        context.addIssue({
          code: 'custom',
          path: ['positions', index, 'symbol'],
          message: `duplicate position "${symbol}" in account "${account.accountId}": merge it into one position`,
        }),
    );
  });

/** Desired share of the portfolio's total value (cash included) held in one symbol, across accounts. */
export const targetWeightSchema = z.object({
  symbol: tickerSymbol,
  /** A fraction in [0, 1], not a percentage. */
  weight: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
});

/** When a portfolio counts as drifted, and which trades are worth making. */
export const rebalancePolicySchema = z.object({
  /**
   * Drift band in basis points of portfolio weight: 500 means a holding may be 5 percentage points
   * away from its target (e.g. 35% against a 30% target) before it triggers a rebalance.
   */
  absoluteBandBps: z.int().min(1).max(10_000),
  /**
   * Band relative to the target weight, in basis points of that weight: 2500 means a 4% target
   * may move by 1 percentage point. Absent means no relative band.
   */
  relativeBandBps: z.int().min(1).max(10_000).optional(),
  /** Trades smaller than this, in the base currency, are not worth their cost. */
  minTradeValue: nonNegativeDecimalString.optional(),
});

/** A recent buy or sell, kept so that the tax engine sees the past 30 days of wash-sale history. */
export const ledgerTransactionSchema = z.object({
  accountId: nonEmptyString,
  symbol: tickerSymbol,
  side: z.enum(['buy', 'sell'], { error: 'must be "buy" or "sell"' }),
  quantity: positiveDecimalString,
  /** Per unit, in the base currency. */
  price: positiveDecimalString,
  date: isoDateString,
});

export const portfolioStatePayloadSchema = z
  .object({
    portfolioId: uuidString,
    householdId: nonEmptyString,
    name: nonEmptyString,
    /** The currency cash, cost bases and trade values are expressed in. */
    baseCurrency: currencyCode,
    /** Grows by one with each change of the portfolio; consumers drop snapshots older than what they hold. */
    version: z.int().positive(),
    accounts: z.array(accountSchema).min(1, 'a portfolio has at least one account'),
    targets: z.array(targetWeightSchema).min(1, 'a portfolio has at least one target'),
    policy: rebalancePolicySchema,
    /**
     * The full planning policy: the `policy` block of the `ballast plan` portfolio file (modes,
     * bands per symbol and sleeve, calendar, cooldown, restrictions, costs, tax fields), validated
     * by the consumers with @ballast/domain-portfolio's parser, so that services, the CLI and the
     * backtester read one format. Absent: the plan uses `policy` above and the parser's defaults.
     */
    planningPolicy: z.record(z.string(), z.unknown()).optional(),
    /** The portfolio file's `sleeves` block (groups of symbols), for sleeve bands; same parser. */
    sleeves: z.record(z.string(), z.unknown()).optional(),
    /** Buys and sells of the last 60 days or more, in every account; the wash-sale check needs 30. */
    transactions: z.array(ledgerTransactionSchema).optional(),
    /** Date of the last executed rebalance, for cooldowns and calendars. */
    lastRebalance: isoDateString.optional(),
    /**
     * Client order ids (`clientOrderIdFor(proposalId, leg)`) of the executed orders whose fills
     * this snapshot includes, those booked in the last {@link APPLIED_ORDER_IDS_RETENTION_DAYS}
     * days. Execution subtracts from the snapshot's cash and holdings only its finished orders that
     * are not listed, so an order never counts twice nor is forgotten. Absent (an older api):
     * consumers cannot tell which orders are in.
     */
    appliedOrderIds: z.array(nonEmptyString).optional(),
    updatedAt: isoDateTimeString,
  })
  .superRefine((state, context) => {
    reportDuplicates(
      state.accounts.map((account) => account.accountId),
      (index, accountId) =>
        context.addIssue({
          code: 'custom',
          path: ['accounts', index, 'accountId'],
          message: `duplicate account id "${accountId}"`,
        }),
    );
    reportDuplicates(
      state.targets.map((target) => target.symbol),
      (index, symbol) =>
        context.addIssue({
          code: 'custom',
          path: ['targets', index, 'symbol'],
          message: `duplicate target symbol "${symbol}": give each symbol one target`,
        }),
    );
    reportDuplicates(state.appliedOrderIds ?? [], (index, clientOrderId) =>
      context.addIssue({
        code: 'custom',
        path: ['appliedOrderIds', index],
        message: `duplicate client order id "${clientOrderId}"`,
      }),
    );
    const sum = state.targets.reduce((total, target) => total + target.weight, 0);
    if (Math.abs(sum - 1) > TARGET_WEIGHT_SUM_TOLERANCE) {
      context.addIssue({
        code: 'custom',
        path: ['targets'],
        message: `target weights must sum to 1, got ${sum}`,
      });
    }
  });

export type TaxLot = z.infer<typeof taxLotSchema>;
export type Position = z.infer<typeof positionSchema>;
export type Account = z.infer<typeof accountSchema>;
export type TargetWeight = z.infer<typeof targetWeightSchema>;
export type RebalancePolicy = z.infer<typeof rebalancePolicySchema>;
export type LedgerTransaction = z.infer<typeof ledgerTransactionSchema>;
export type PortfolioStatePayload = z.infer<typeof portfolioStatePayloadSchema>;
