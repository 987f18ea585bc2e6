import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { type Approval, type OrdersProposedPayload, type PortfolioStatePayload } from '@ballast/contracts';
import { type ProposalStatus } from './approval-rules';

/** Where one leg of a proposal stands, from proposed to filled or rejected. */
export interface LegState {
  leg: number;
  status: 'proposed' | 'approved' | 'filled' | 'partially-filled' | 'rejected';
  filledQuantity: string;
  fees: string;
  fills: { fillId: string; quantity: string; price: string; fee: string; at: string }[];
  /** Quantity relieved so far from each lot the tax service selected, so later fills take the rest. */
  relieved: Record<string, string>;
  rejection: { code: string; stage: string; reason: string; at: string } | null;
  /** Set when execution sent less than approved (orders.executed `reduction`). */
  reduction?: { approvedQuantity: string; sentQuantity: string; reason: string; detail: string };
}

/** An orders.proposed the api holds for approval, with its approvals and the fate of each leg. */
@Entity({ name: 'proposal' })
export class Proposal {
  @PrimaryColumn({ name: 'proposal_id', type: 'uuid' })
  proposalId!: string;

  @Column({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @Column({ name: 'household_id', type: 'text' })
  householdId!: string;

  @Column({ type: 'text' })
  status!: ProposalStatus;

  @Column({ name: 'state_version', type: 'integer' })
  stateVersion!: number;

  @Column({ name: 'approvers_required', type: 'integer' })
  approversRequired!: number;

  @Column({ name: 'proposed_by', type: 'text', nullable: true })
  proposedBy!: string | null;

  @Column({ name: 'correlation_id', type: 'uuid' })
  correlationId!: string;

  /** The orders.proposed payload as received. */
  @Column({ type: 'jsonb' })
  payload!: OrdersProposedPayload;

  @Column({ type: 'jsonb' })
  approvals!: Approval[];

  @Column({ type: 'jsonb' })
  legs!: LegState[];

  /** The portfolio at `state_version` (the proposal's "before"); null if that version is unknown here. */
  @Column({ name: 'before_state', type: 'jsonb', nullable: true })
  beforeState!: PortfolioStatePayload | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** The decision record: every step of a proposal, in order (received, approvals, decision, fills). */
@Entity({ name: 'proposal_decision' })
export class ProposalDecision {
  @PrimaryGeneratedColumn({ name: 'decision_id', type: 'bigint' })
  decisionId!: string;

  @Column({ name: 'proposal_id', type: 'uuid' })
  proposalId!: string;

  @Column({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @Column({ type: 'text' })
  kind!: DecisionKind;

  /** The person (from the credential) or `policy` / `system`. */
  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'jsonb' })
  detail!: Record<string, unknown>;

  @CreateDateColumn({ name: 'at', type: 'timestamptz' })
  at!: Date;
}

export type DecisionKind =
  | 'received'
  | 'approval'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'superseded'
  | 'leg-executed'
  | 'leg-rejected';

/** A broker fill the ledger has applied: the guard that applies each fill once. */
@Entity({ name: 'applied_fill' })
export class AppliedFill {
  @PrimaryColumn({ name: 'client_order_id', type: 'text' })
  clientOrderId!: string;

  @PrimaryColumn({ name: 'fill_id', type: 'text' })
  fillId!: string;

  @Column({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @Column({ name: 'portfolio_version', type: 'integer' })
  portfolioVersion!: number;

  @CreateDateColumn({ name: 'applied_at', type: 'timestamptz' })
  appliedAt!: Date;
}

/** The newest price.tick per symbol: what an approval re-checks the proposal's prices against. */
@Entity({ name: 'latest_price' })
export class LatestPrice {
  @PrimaryColumn({ type: 'text' })
  symbol!: string;

  @Column({ type: 'text' })
  price!: string;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ name: 'as_of_millis', type: 'bigint' })
  asOfMillis!: string;

  @Column({ type: 'text' })
  source!: string;
}
