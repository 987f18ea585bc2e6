import { commonEnv, databaseEnv, kafkaEnv, requireSaslCredentials } from '@ballast/platform-config';
import { z } from 'zod';

const money = z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal, e.g. 10000 or 2500.50');

/** Environment of the tax service; validated at boot (see README for each variable). */
export const taxConfigSchema = z
  .object({
    ...commonEnv,
    ...kafkaEnv,
    ...databaseEnv,
    /**
     * What to do with an order the pre-trade wash-sale check flags (resolveWashSales of
     * @ballast/domain-tax): `substitute` buys the policy's substitute instead (or removes the order
     * when none is configured), `remove` drops it, `accept` keeps it with its consequence.
     */
    WASH_SALE_RESOLUTION: z.enum(['substitute', 'remove', 'accept']).default('substitute'),
    /** Default `planningPolicy.approval.thresholdValue`: orders worth more need one person. */
    APPROVAL_THRESHOLD_VALUE: money.default('10000'),
    /** Default `planningPolicy.approval.fourEyesValue`: orders worth more need two people. */
    APPROVAL_FOUR_EYES_VALUE: money.default('100000'),
    /** Default `planningPolicy.approval.expiresAfterMinutes`. */
    APPROVAL_EXPIRES_AFTER_MINUTES: z.coerce.number().int().min(1).max(43_200).default(1_440),
  })
  .superRefine(requireSaslCredentials);

export type TaxConfig = z.infer<typeof taxConfigSchema>;
export const TAX_SERVICE = 'tax';
/** Consumer group of portfolio.state: the latest snapshot per portfolio. */
export const PORTFOLIO_STATE_GROUP = 'tax-state';
/** Consumer group of rebalance.proposed; separate so that a proposal waiting for its snapshot never blocks it. */
export const PROPOSAL_GROUP = 'tax';
/** Transport id of the proposal group's Kafka server, so that its handler binds to it alone. */
export const PROPOSAL_KAFKA = Symbol('kafka-tax-proposals');
/**
 * Consumer group of orders.rejected: which legs of a proposal will never trade, so that they stop
 * counting as the household's pending buys. Its own group and server, so that a slow or failing
 * rejection never holds back the snapshots or the proposals.
 */
export const REJECTION_GROUP = 'tax-rejections';
/** Transport id of the rejection group's Kafka server. */
export const REJECTION_KAFKA = Symbol('kafka-tax-rejections');
