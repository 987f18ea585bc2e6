import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { type PortfolioStatePayload } from '@ballast/contracts';

/**
 * The ledger's record of a portfolio. The API is the single writer of holdings: every change
 * bumps `version` and publishes the full snapshot on portfolio.state through the outbox.
 */
@Entity({ name: 'portfolio' })
export class Portfolio {
  @PrimaryColumn({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @Index('portfolio_household_id')
  @Column({ name: 'household_id', type: 'text' })
  householdId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'integer' })
  version!: number;

  /** The portfolio.state payload as last published. */
  @Column({ type: 'jsonb' })
  state!: PortfolioStatePayload;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
