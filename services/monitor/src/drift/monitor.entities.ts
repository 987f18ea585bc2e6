import { type PortfolioStatePayload } from '@ballast/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The latest portfolio.state snapshot the monitor holds, and which symbols are out of band now. */
@Entity({ name: 'monitored_portfolio' })
export class MonitoredPortfolio {
  @PrimaryColumn({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  state!: PortfolioStatePayload;

  /** Symbols out of their band at the last evaluation: "once per crossing" needs to remember them. */
  @Column({ name: 'out_of_band', type: 'text', array: true, default: () => "'{}'" })
  outOfBand!: string[];

  @Column({ name: 'evaluated_at', type: 'timestamptz', nullable: true })
  evaluatedAt!: Date | null;

  /** Keys of the triggers active at the last evaluation: an episode lasts while one stays active. */
  @Column({ name: 'active_triggers', type: 'text', array: true, default: () => "'{}'" })
  activeTriggers!: string[];

  /** Keys of the risk limits breached at the last evaluation: one risk.alert per breach episode. */
  @Column({ name: 'breached_limits', type: 'text', array: true, default: () => "'{}'" })
  breachedLimits!: string[];

  /** Why the last evaluation decided nothing (`stale-prices: SPY`); null when it evaluated. */
  @Column({ name: 'blocked_reason', type: 'text', nullable: true })
  blockedReason!: string | null;

  /**
   * The ledger version a superseded proposal's re-arm waits for (its rejection's `ledgerVersion`,
   * newer than the snapshot held then); null when none waits.
   */
  @Column({ name: 'rearm_at_version', type: 'integer', nullable: true })
  rearmAtVersion!: number | null;
}

/** symbol -> portfolios: a tick costs work in proportion to the portfolios that hold its symbol. */
@Entity({ name: 'portfolio_symbol' })
@Index('portfolio_symbol_by_symbol', ['symbol'])
export class PortfolioSymbol {
  @PrimaryColumn({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @PrimaryColumn({ type: 'text' })
  symbol!: string;
}

/** The latest price.tick of each symbol. */
@Entity({ name: 'latest_price' })
export class LatestPrice {
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
}

/** A symbol market-data reported stale (price.stale); deleted by the next fresh tick of the symbol. */
@Entity({ name: 'stale_symbol' })
export class StaleSymbol {
  @PrimaryColumn({ type: 'text' })
  symbol!: string;

  @Column({ name: 'last_price_at', type: 'timestamptz', nullable: true })
  lastPriceAt!: Date | null;

  @Column({ name: 'max_age_seconds', type: 'integer' })
  maxAgeSeconds!: number;

  @Column({ name: 'detected_at', type: 'timestamptz' })
  detectedAt!: Date;
}

/** The last price of each symbol on each (UTC) day: the benchmark closes behind adaptive bands. */
@Entity({ name: 'daily_close' })
export class DailyClose {
  @PrimaryColumn({ type: 'text' })
  symbol!: string;

  @PrimaryColumn({ type: 'date' })
  day!: string;

  @Column({ type: 'numeric' })
  close!: string;

  @Column({ name: 'as_of_millis', type: 'bigint' })
  asOfMillis!: string;
}

/** The last valuation of each portfolio on each (UTC) day, with the version valued: the risk series. */
@Entity({ name: 'portfolio_value' })
export class PortfolioValue {
  @PrimaryColumn({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @PrimaryColumn({ type: 'date' })
  day!: string;

  @Column({ type: 'numeric' })
  value!: string;

  @Column({ type: 'integer' })
  version!: number;
}

export const MONITOR_ENTITIES = [
  MonitoredPortfolio,
  PortfolioSymbol,
  LatestPrice,
  StaleSymbol,
  DailyClose,
  PortfolioValue,
];
