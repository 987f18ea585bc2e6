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

export const MONITOR_ENTITIES = [MonitoredPortfolio, PortfolioSymbol, LatestPrice];
