import { type PortfolioStatePayload, type RebalanceProposedPayload } from '@ballast/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The latest portfolio.state snapshot of each portfolio (older versions are dropped on arrival). */
@Entity({ name: 'portfolio_snapshot' })
export class PortfolioSnapshot {
  @PrimaryColumn({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  state!: PortfolioStatePayload;
}

/**
 * The decision record of a run: the proposal as published and everything needed to replay it with
 * `ballast plan` (the portfolio file planned, the prices, the optimizer's inputs).
 */
@Entity({ name: 'proposal' })
export class ProposalRecord {
  @PrimaryColumn({ name: 'proposal_id', type: 'uuid' })
  proposalId!: string;

  @Column({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @Column({ name: 'state_version', type: 'integer' })
  stateVersion!: number;

  @Column({ name: 'cause_topic', type: 'text' })
  causeTopic!: string;

  @Column({ name: 'cause_message_id', type: 'uuid' })
  causeMessageId!: string;

  @Column({ type: 'text' })
  chosen!: string;

  @Column({ type: 'jsonb' })
  proposal!: RebalanceProposedPayload;

  /** `{ portfolioFile, prices, asOf, targets: { source, objective?, estimates? } }`. */
  @Column({ type: 'jsonb' })
  inputs!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

export const OPTIMIZER_ENTITIES = [PortfolioSnapshot, ProposalRecord];
