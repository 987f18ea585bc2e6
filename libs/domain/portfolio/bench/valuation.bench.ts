// Valuation and drift of one household on every tick: the monitor's hot path.
import { computeDrift, valuePortfolio, type PriceQuote } from '../src';
import { bench, printTable } from '@ballast/testing';

const results = [10, 100, 500].map((symbols) => {
  const positions = Array.from({ length: symbols }, (_, i) => ({
    symbol: `S${i}`,
    quantity: String(10 + i),
  }));
  const prices = new Map<string, PriceQuote>(
    positions.map((p, i) => [
      p.symbol,
      { symbol: p.symbol, price: (50 + i / 7).toFixed(4), asOf: '2024-01-02T21:00:00Z', source: 'bench' },
    ]),
  );
  const targets = positions.map((p) => ({ symbol: p.symbol, weight: 1 / symbols }));
  return bench(
    `value + drift, ${symbols} symbols`,
    () => computeDrift(valuePortfolio({ cash: '1000', positions }, prices), targets),
    {
      runs: 50,
    },
  );
});
printTable(results);
