import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The last accepted price of each symbol: the source of truth for ordering (a tick older than
 * this one is out of order) and for duplicates; Redis holds a cache of it for readers.
 */
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

  @Column({ type: 'text' })
  source!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
