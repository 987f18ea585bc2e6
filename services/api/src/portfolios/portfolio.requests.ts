import {
  accountSchema,
  decimalString,
  isoDateString,
  ledgerTransactionSchema,
  nonNegativeDecimalString,
  REBALANCE_MODES,
  rebalancePolicySchema,
  taxLotSchema,
  targetWeightSchema,
} from '@ballast/contracts';
import { z } from 'zod';

/**
 * Request bodies of the ledger routes. Field shapes are the portfolio.state schema's own, so a
 * body that passes here becomes part of a snapshot that passes there; the rules that need the
 * whole portfolio (weights sum to 1, duplicate ids) are checked on the resulting snapshot.
 */
const symbol = targetWeightSchema.shape.symbol;
const openObject = z.record(z.string(), z.unknown());

export const putTargetsSchema = z.strictObject({ targets: z.array(targetWeightSchema).min(1) });

export const putPolicySchema = z.strictObject({
  policy: rebalancePolicySchema,
  /** The `policy` block of a `ballast plan` portfolio file; checked by @ballast/domain-portfolio's parser. */
  planningPolicy: openObject.optional(),
  sleeves: openObject.optional(),
});

export const addAccountSchema = accountSchema;

export const addLotSchema = taxLotSchema.extend({ symbol }).strict();

export const recordTransactionSchema = ledgerTransactionSchema
  .extend({
    fee: nonNegativeDecimalString.default('0'),
    /** Buys: the id of the new lot; a fresh one when absent. */
    lotId: z.string().min(1).max(100).optional(),
    /** Sells: specific lots to relieve (`{ lotId, quantity }`), FIFO for the rest. */
    lots: z.array(z.strictObject({ lotId: z.string().min(1), quantity: decimalString })).optional(),
    date: isoDateString,
  })
  .strict();

export const cashFlowSchema = z.strictObject({
  accountId: z.string().min(1),
  /** Positive: a deposit; negative: a withdrawal. */
  amount: decimalString,
});

export const rebalanceRequestSchema = z.strictObject({
  reason: z.string().min(1, 'say why the rebalance is requested').max(500),
  mode: z.enum(REBALANCE_MODES).nullable().default(null),
  cashFlow: cashFlowSchema.nullable().default(null),
});

export type PutTargets = z.infer<typeof putTargetsSchema>;
export type PutPolicy = z.infer<typeof putPolicySchema>;
export type AddAccount = z.infer<typeof addAccountSchema>;
export type AddLot = z.infer<typeof addLotSchema>;
export type RecordTransaction = z.infer<typeof recordTransactionSchema>;
export type CashFlow = z.infer<typeof cashFlowSchema>;
export type RebalanceRequest = z.infer<typeof rebalanceRequestSchema>;
