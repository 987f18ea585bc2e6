import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A rebalance a person asked for. Its id is the correlation id of the run, which the optimizer and
 * tax services carry on to orders.proposed: that is how the api knows who proposed the orders.
 */
@Entity({ name: 'rebalance_request' })
export class RebalanceRequestRecord {
  @PrimaryColumn({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @Column({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @Column({ name: 'requested_by', type: 'text' })
  requestedBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
