import { z } from 'zod';
import { currencyCode } from '../currency';
import { decimalString, nonNegativeDecimalString } from '../decimal-string';
import { reportDuplicates } from '../duplicates';
import { isoDateTimeString, tickerSymbol, uuidString } from '../primitives';
import { priceUsedSchema } from './drift-detected.schema';
import { proposedTradeSchema, reportDuplicateLegs } from './orders-common';
import { REBALANCE_MODES } from './rebalance-requested.schema';

/** Emitted by optimizer: the scenarios it scored for a run and the one it chose, with its trades. */
export const REBALANCE_PROPOSED_TOPIC = 'rebalance.proposed';
export const REBALANCE_PROPOSED_SCHEMA_VERSION = 1;
export const REBALANCE_PROPOSED_KEY = 'portfolioId';

/** A planner mode, or `defer`: do nothing now (the trades are not worth it). */
export const SCENARIO_KINDS = [...REBALANCE_MODES, 'defer'] as const;
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

export const scenarioSchema = z.object({
  kind: z.enum(SCENARIO_KINDS),
  /** Portfolio drift (half the sum of |weight - target|) after the scenario's trades. */
  driftAfter: z.number().min(0).max(1),
  /** One-way turnover: value traded / 2 / portfolio value. */
  turnover: z.number().min(0),
  cost: nonNegativeDecimalString,
  /** Estimated tax of the scenario's sales at the policy's rates (taxable accounts only); may be negative (losses). */
  estimatedTax: decimalString,
  trades: z.int().nonnegative(),
  /** Lower is better; the formula is in the optimizer service's README. */
  score: z.number().finite(),
  /** Why this scenario scored as it did, or could not be computed. */
  note: z.string().optional(),
});

export const rebalanceProposedPayloadSchema = z
  .object({
    proposalId: uuidString,
    portfolioId: uuidString,
    stateVersion: z.int().positive(),
    asOf: isoDateTimeString,
    baseCurrency: currencyCode,
    /** The message that started the run. */
    cause: z.object({
      topic: z.enum(['drift.detected', 'rebalance.requested']),
      messageId: uuidString,
    }),
    targets: z.array(z.object({ symbol: tickerSymbol, weight: z.number().min(0).max(1) })).min(1),
    driftBefore: z.number().min(0).max(1),
    scenarios: z.array(scenarioSchema).min(1),
    chosen: z.enum(SCENARIO_KINDS),
    trades: z.array(proposedTradeSchema),
    /** Lines for people: which trigger, which constraint bound, why this scenario. */
    explanation: z.array(z.string()),
    pricesUsed: z.array(priceUsedSchema).min(1),
    totalValue: nonNegativeDecimalString,
  })
  .superRefine((payload, context) => {
    const issue = (path: (string | number)[], message: string) =>
      context.addIssue({ code: 'custom', path, message });
    if (!payload.scenarios.some((scenario) => scenario.kind === payload.chosen)) {
      issue(['chosen'], `"${payload.chosen}" is not among the scored scenarios`);
    }
    if (payload.chosen === 'defer' && payload.trades.length > 0) {
      issue(['trades'], 'a deferred proposal has no trades');
    }
    if (payload.chosen !== 'defer' && payload.trades.length === 0) {
      issue(['trades'], `the chosen scenario "${payload.chosen}" has no trades: choose "defer" instead`);
    }
    reportDuplicateLegs(payload.trades, (index, leg) =>
      issue(['trades', index, 'leg'], `duplicate leg ${leg}`),
    );
    reportDuplicates(
      payload.scenarios.map((scenario) => scenario.kind),
      (index, kind) => issue(['scenarios', index, 'kind'], `duplicate scenario "${kind}"`),
    );
    const priced = new Set(payload.pricesUsed.map((price) => price.symbol));
    payload.trades.forEach((trade, index) => {
      if (!priced.has(trade.symbol)) {
        issue(['trades', index, 'symbol'], `"${trade.symbol}" has no entry in pricesUsed`);
      }
    });
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type ProposedTrade = z.infer<typeof proposedTradeSchema>;
export type RebalanceProposedPayload = z.infer<typeof rebalanceProposedPayloadSchema>;
