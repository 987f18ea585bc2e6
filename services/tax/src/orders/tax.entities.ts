import {
  type OrdersProposedPayload,
  type PortfolioStatePayload,
  type RejectionCode,
  type RejectionStage,
} from '@ballast/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The latest portfolio.state snapshot of each portfolio (older versions are dropped on arrival). */
@Entity({ name: 'portfolio_snapshot' })
export class PortfolioSnapshot {
  @PrimaryColumn({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @Column({ type: 'integer' })
  version!: number;

  /** `state.householdId`, indexed: the wash-sale check reads the household's other portfolios. */
  @Column({ name: 'household_id', type: 'text' })
  householdId!: string;

  @Column({ type: 'jsonb' })
  state!: PortfolioStatePayload;
}

/** What the tax service decided for each proposal: the orders it proposed, or why none. */
@Entity({ name: 'tax_decision' })
export class TaxDecision {
  @PrimaryColumn({ name: 'proposal_id', type: 'uuid' })
  proposalId!: string;

  @Column({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @Column({ name: 'state_version', type: 'integer' })
  stateVersion!: number;

  /** `orders`, `no-orders`, `deferred` or `stale`. */
  @Column({ type: 'text' })
  outcome!: string;

  @Column({ type: 'jsonb', nullable: true })
  orders!: OrdersProposedPayload | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A leg of a proposal that orders.rejected says was refused (see pending-proposals.ts). */
@Entity({ name: 'rejected_leg' })
export class RejectedLeg {
  @PrimaryColumn({ name: 'proposal_id', type: 'uuid' })
  proposalId!: string;

  @PrimaryColumn({ type: 'integer' })
  leg!: number;

  @Column({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @Column({ type: 'text' })
  side!: 'buy' | 'sell';

  @Column({ type: 'text' })
  stage!: RejectionStage;

  @Column({ type: 'text' })
  code!: RejectionCode;

  @Column({ name: 'rejected_at', type: 'timestamptz' })
  rejectedAt!: Date;
}

export const TAX_ENTITIES = [PortfolioSnapshot, TaxDecision, RejectedLeg];
