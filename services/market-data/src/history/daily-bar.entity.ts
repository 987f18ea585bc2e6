import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** One trading day of one symbol; prices as decimal strings, exactly as stored. */
@Entity({ name: 'daily_bar' })
export class DailyBar {
  @PrimaryColumn({ type: 'text' })
  symbol!: string;

  /** The exchange's local trading date, `YYYY-MM-DD`. */
  @PrimaryColumn({ type: 'date' })
  date!: string;

  @Column({ type: 'numeric', nullable: true })
  open!: string | null;

  @Column({ type: 'numeric', nullable: true })
  high!: string | null;

  @Column({ type: 'numeric', nullable: true })
  low!: string | null;

  @Column({ type: 'numeric' })
  close!: string;

  @Column({ name: 'adj_close', type: 'numeric', nullable: true })
  adjClose!: string | null;

  @Column({ type: 'bigint', nullable: true })
  volume!: string | null;

  @Column({ type: 'text' })
  source!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** A stale episode that has been reported; over once a newer price of the symbol is accepted. */
@Entity({ name: 'stale_episode' })
export class StaleEpisode {
  @PrimaryColumn({ type: 'text' })
  symbol!: string;

  @Column({ name: 'detected_at', type: 'timestamptz' })
  detectedAt!: Date;

  @Column({ name: 'last_price_at', type: 'timestamptz', nullable: true })
  lastPriceAt!: Date | null;

  /** The last_price update the episode was judged on: a later update ends the episode. */
  @Column({ name: 'last_update_at', type: 'timestamptz', nullable: true })
  lastUpdateAt!: Date | null;
}

export const MARKET_DATA_ENTITIES_EXTRA = [DailyBar, StaleEpisode];
