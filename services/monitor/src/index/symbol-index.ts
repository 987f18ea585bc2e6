/**
 * symbol -> portfolios, in memory: a tick costs work in proportion to the portfolios that hold or
 * target its symbol, not to all portfolios. PostgreSQL (`portfolio_symbol`) is the durable copy; the
 * index is rebuilt from it at start and every `INDEX_REFRESH_MS` (so a replica also learns the
 * portfolios another replica received), and updated by every snapshot this instance handles.
 */
export class SymbolIndex {
  private readonly bySymbol = new Map<string, Set<string>>();
  private readonly byPortfolio = new Map<string, ReadonlySet<string>>();
  /** Portfolios set while a rebuild was reading the table: re-applied over the rebuilt index. */
  private pending: Map<string, readonly string[]> | null = null;

  /** Replaces a portfolio's symbols (a new snapshot may add or drop holdings and targets). */
  set(portfolioId: string, symbols: readonly string[]): void {
    this.pending?.set(portfolioId, symbols);
    this.apply(portfolioId, symbols);
  }

  /** The portfolios that hold or target `symbol`, sorted (a stable order of evaluation and locks). */
  portfoliosOf(symbol: string): string[] {
    return [...(this.bySymbol.get(symbol) ?? [])].sort();
  }

  symbolsOf(portfolioId: string): string[] {
    return [...(this.byPortfolio.get(portfolioId) ?? [])].sort();
  }

  get portfolioCount(): number {
    return this.byPortfolio.size;
  }

  get symbolCount(): number {
    return this.bySymbol.size;
  }

  /**
   * Rebuilds the index from `load` (the table's rows). Updates made while `load` runs win over what it
   * read, since they may be newer than the rows it saw.
   */
  async rebuild(load: () => Promise<readonly { portfolioId: string; symbol: string }[]>): Promise<void> {
    this.pending = new Map();
    let rows: readonly { portfolioId: string; symbol: string }[];
    try {
      rows = await load();
    } catch (error) {
      this.pending = null;
      throw error;
    }
    const grouped = new Map<string, string[]>();
    for (const row of rows)
      grouped.set(row.portfolioId, [...(grouped.get(row.portfolioId) ?? []), row.symbol]);
    for (const [portfolioId, symbols] of this.pending) grouped.set(portfolioId, [...symbols]);
    this.pending = null;
    this.bySymbol.clear();
    this.byPortfolio.clear();
    for (const [portfolioId, symbols] of grouped) this.apply(portfolioId, symbols);
  }

  private apply(portfolioId: string, symbols: readonly string[]): void {
    for (const symbol of this.byPortfolio.get(portfolioId) ?? []) {
      const holders = this.bySymbol.get(symbol);
      holders?.delete(portfolioId);
      if (holders?.size === 0) this.bySymbol.delete(symbol);
    }
    const next = new Set(symbols);
    if (next.size === 0) {
      this.byPortfolio.delete(portfolioId);
      return;
    }
    this.byPortfolio.set(portfolioId, next);
    for (const symbol of next) {
      const holders = this.bySymbol.get(symbol) ?? new Set<string>();
      holders.add(portfolioId);
      this.bySymbol.set(symbol, holders);
    }
  }
}
