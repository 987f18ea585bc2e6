import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { type PortfolioStatePayload } from '@ballast/contracts';

/**
 * Every version of a portfolio as published, with what caused it: the history endpoint, and the
 * "before" of a proposal (the state version it was computed from) come from here.
 */
@Entity({ name: 'portfolio_version' })
export class PortfolioVersion {
  @PrimaryColumn({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  state!: PortfolioStatePayload;

  /** `created`, `targets`, `policy`, `account`, `lot`, `transaction`, `cash`, `fill`. */
  @Column({ type: 'text' })
  cause!: string;

  /** The user (HTTP changes) or `message:<id>` (fills) behind the change. */
  @Column({ name: 'caused_by', type: 'text' })
  causedBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
