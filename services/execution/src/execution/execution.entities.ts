import {
  type Fill,
  type OrderSide,
  type PortfolioStatePayload,
  type PriceUsed,
  type QuantityReductionReason,
} from '@ballast/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { type OrderStatus } from './order-status';

/** The latest price.tick per symbol: the price collar, the notional limit and staleness are measured against it. */
@Entity({ name: 'last_price' })
export class LastPrice {
  @PrimaryColumn({ type: 'text' })
  symbol!: string;

  @Column({ type: 'numeric' })
  price!: string;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ name: 'as_of', type: 'timestamptz' })
  asOf!: Date;

  @Column({ name: 'as_of_millis', type: 'bigint' })
  asOfMillis!: string;

  /** When this service received the tick: staleness is measured from it (a replay has old asOf). */
  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}

/** The latest ledger snapshot (portfolio.state) per portfolio; older versions are dropped. */
@Entity({ name: 'portfolio_snapshot' })
export class PortfolioSnapshot {
  @PrimaryColumn({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  state!: PortfolioStatePayload;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}

export const PROPOSAL_STATUSES = ['open', 'done'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** One orders.approved: the unit a replica claims (under a lease) and drives to the end. */
@Entity({ name: 'execution_proposal' })
export class ExecutionProposal {
  @PrimaryColumn({ name: 'proposal_id', type: 'uuid' })
  proposalId!: string;

  @Column({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @Column({ name: 'state_version', type: 'integer' })
  stateVersion!: number;

  @Column({ name: 'base_currency', type: 'text' })
  baseCurrency!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'prices_used', type: 'jsonb' })
  pricesUsed!: PriceUsed[];

  @Column({ name: 'correlation_id', type: 'uuid' })
  correlationId!: string;

  /** The orders.approved message id: every event this proposal causes names it as its cause. */
  @Column({ name: 'approval_message_id', type: 'uuid' })
  approvalMessageId!: string;

  @Column({ type: 'text' })
  status!: ProposalStatus;

  @Column({ name: 'claimed_by', type: 'text', nullable: true })
  claimedBy!: string | null;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}

/**
 * One leg of an approved proposal and where it stands (see order-status.ts). The row exists before
 * any broker call, keyed by the derived client order id, so a redelivered or retried approval
 * finds it instead of sending again.
 */
@Entity({ name: 'execution_order' })
export class ExecutionOrder {
  @PrimaryColumn({ name: 'client_order_id', type: 'text' })
  clientOrderId!: string;

  @Column({ name: 'proposal_id', type: 'uuid' })
  proposalId!: string;

  @Column({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @Column({ type: 'integer' })
  leg!: number;

  @Column({ name: 'account_id', type: 'text' })
  accountId!: string;

  @Column({ type: 'text' })
  symbol!: string;

  @Column({ type: 'text' })
  side!: OrderSide;

  /** What is (or was) sent to the broker: the approved quantity, or less for a buy cut to the cash. */
  @Column({ type: 'numeric' })
  quantity!: string;

  /** The quantity of the approval, kept when `quantity` is cut. */
  @Column({ name: 'approved_quantity', type: 'numeric' })
  approvedQuantity!: string;

  /** Set when `quantity` is less than `approvedQuantity`. */
  @Column({ name: 'reduction_reason', type: 'text', nullable: true })
  reductionReason!: QuantityReductionReason | null;

  /** The cash and cost figures behind the cut, for people. */
  @Column({ name: 'reduction_detail', type: 'text', nullable: true })
  reductionDetail!: string | null;

  @Column({ name: 'reference_price', type: 'numeric' })
  referencePrice!: string;

  @Column({ type: 'text' })
  status!: OrderStatus;

  /** Cash a buy holds back while it is in flight: quantity × last price with the cost model. */
  @Column({ name: 'reserved_cash', type: 'numeric', nullable: true })
  reservedCash!: string | null;

  /** The collar as a limit for the broker (buys at most, sells at least), set with `pending`. */
  @Column({ name: 'limit_price', type: 'numeric', nullable: true })
  limitPrice!: string | null;

  @Column({ type: 'text', nullable: true })
  broker!: string | null;

  @Column({ name: 'broker_order_id', type: 'text', nullable: true })
  brokerOrderId!: string | null;

  @Column({ name: 'filled_quantity', type: 'numeric', default: '0' })
  filledQuantity!: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  fills!: Fill[];

  /** Signed cash change of the finished order (fees included): + for sells, − for buys. */
  @Column({ name: 'cash_effect', type: 'numeric', nullable: true })
  cashEffect!: string | null;

  @Column({ name: 'rejection_stage', type: 'text', nullable: true })
  rejectionStage!: 'pre-trade' | 'broker' | null;

  @Column({ name: 'rejection_code', type: 'text', nullable: true })
  rejectionCode!: string | null;

  @Column({ name: 'rejection_reason', type: 'text', nullable: true })
  rejectionReason!: string | null;

  /** Submissions made (each under the same client order id): more than one only after a lost request. */
  @Column({ name: 'submit_attempts', type: 'integer', default: 0 })
  submitAttempts!: number;

  /**
   * Set once a ledger snapshot includes this order's effect (its client order id is in the
   * snapshot's `appliedOrderIds`): it then stops counting against the snapshot's cash and holdings.
   */
  @Column({ type: 'boolean', default: false })
  applied!: boolean;

  /**
   * The ledger version held when the order finished; only for snapshots without `appliedOrderIds`
   * (an older api), where a newer snapshot written after the order finished is taken to include it.
   */
  @Column({ name: 'final_snapshot_version', type: 'integer', nullable: true })
  finalSnapshotVersion!: number | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'unknown_since', type: 'timestamptz', nullable: true })
  unknownSince!: Date | null;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt!: Date | null;

  @Column({ name: 'finalized_at', type: 'timestamptz', nullable: true })
  finalizedAt!: Date | null;
}

/** The runtime kill switch: one row, so that a restart keeps it. */
@Entity({ name: 'kill_switch' })
export class KillSwitchState {
  @PrimaryColumn({ type: 'smallint' })
  id!: number;

  @Column({ type: 'boolean' })
  engaged!: boolean;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}

export const EXECUTION_ENTITIES = [
  LastPrice,
  PortfolioSnapshot,
  ExecutionProposal,
  ExecutionOrder,
  KillSwitchState,
];
