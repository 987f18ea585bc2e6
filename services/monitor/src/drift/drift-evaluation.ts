import { type DriftDetectedPayload, type PortfolioStatePayload } from '@ballast/contracts';
import {
  aggregateAccounts,
  computeDrift,
  findBandBreaches,
  nextBandState,
  type PriceQuote,
  valuePortfolio,
} from '@ballast/domain-portfolio';

/** A price as the monitor holds it: the domain's quote plus its currency, reported in drift.detected. */
export type MonitorQuote = PriceQuote & { readonly currency: string };

export type DriftEvaluation =
  | { kind: 'missing-prices'; symbols: string[] }
  | { kind: 'prices-not-aligned'; oldest: MonitorQuote; newest: MonitorQuote }
  | { kind: 'evaluated'; outOfBand: string[]; driftDetected: DriftDetectedPayload | null };

/**
 * Values a portfolio at the given prices, compares it with its targets and band, and decides
 * whether a `drift.detected` is due: once per crossing of the portfolio, i.e. when it goes from
 * every symbol in band to at least one out of band. The triggers are every symbol out of band at
 * that moment. Symbols that leave their band while the portfolio is already out do not fire again
 * (one crossing is one rebalancing run: a 60/40 portfolio's two legs leave their bands together,
 * though their prices arrive on separate ticks); the portfolio is re-armed once all are back in band.
 * Needs a price for every held symbol, and prices no further apart than `maxPriceSkewMs`:
 * otherwise nothing is decided (stale or missing prices never produce a drift event).
 */
export function evaluateDrift(
  state: PortfolioStatePayload,
  prices: ReadonlyMap<string, MonitorQuote>,
  previouslyOutOfBand: ReadonlySet<string>,
  maxPriceSkewMs: number,
): DriftEvaluation {
  const holdings = aggregateAccounts(
    state.accounts.map((account) => ({
      cash: account.cash,
      positions: account.positions.map((position) => ({
        symbol: position.symbol,
        quantity: position.quantity,
      })),
    })),
  );
  const missing = holdings.positions
    .filter((position) => !/^0+(\.0+)?$/.test(position.quantity) && !prices.has(position.symbol))
    .map((position) => position.symbol)
    .sort();
  if (missing.length > 0) return { kind: 'missing-prices', symbols: missing };
  const needed = holdings.positions
    .map((position) => prices.get(position.symbol))
    .filter((quote): quote is MonitorQuote => quote !== undefined)
    .sort((a, b) => Date.parse(a.asOf) - Date.parse(b.asOf));
  const oldest = needed[0];
  const newest = needed[needed.length - 1];
  if (
    oldest !== undefined &&
    newest !== undefined &&
    Date.parse(newest.asOf) - Date.parse(oldest.asOf) > maxPriceSkewMs
  ) {
    return { kind: 'prices-not-aligned', oldest, newest };
  }

  const valuation = valuePortfolio(holdings, prices);
  const report = computeDrift(valuation, state.targets);
  const breaches = findBandBreaches(report, state.policy.absoluteBandBps);
  const transition = nextBandState(previouslyOutOfBand, breaches);
  const outOfBand = [...transition.outOfBand].sort();
  const crossed = previouslyOutOfBand.size === 0 && breaches.length > 0;
  if (!crossed) return { kind: 'evaluated', outOfBand, driftDetected: null };

  const pricesUsed = valuation.pricesUsed.map((quote) => ({
    symbol: quote.symbol,
    price: quote.price,
    currency: prices.get(quote.symbol)?.currency ?? '',
    asOf: quote.asOf,
    source: quote.source,
  }));
  // The newest price that entered the valuation; an all-cash portfolio is as of its own snapshot.
  const asOf =
    pricesUsed.length === 0
      ? state.updatedAt
      : pricesUsed.reduce((latest, quote) => (quote.asOf > latest ? quote.asOf : latest), '');
  return {
    kind: 'evaluated',
    outOfBand,
    driftDetected: {
      portfolioId: state.portfolioId,
      stateVersion: state.version,
      asOf,
      baseCurrency: state.baseCurrency,
      triggers: breaches.map((breach) => ({
        kind: 'absolute-band' as const,
        symbol: breach.symbol,
        drift: breach.drift,
        bandBps: breach.bandBps,
        direction: breach.direction,
      })),
      drift: report.rows.map((row) => ({
        symbol: row.symbol,
        targetWeight: row.targetWeight,
        currentWeight: row.currentWeight,
        drift: row.drift,
        relativeDrift: row.relativeDrift,
        marketValue: row.marketValue,
        quantity: row.quantity,
      })),
      cash: { value: report.cash.value, weight: report.cash.weight },
      totalValue: report.totalValue,
      portfolioDrift: report.portfolioDrift,
      pricesUsed,
    },
  };
}
