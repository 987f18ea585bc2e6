// Small random households for the planner's property tests: 1-3 accounts over up to 5 symbols, with
// a random policy (fast-check). Test code only.
import fc from 'fast-check';
import { type PortfolioFile, parsePortfolioFile } from '@ballast/domain-portfolio';
import { quotes } from './households';

const POOL = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE'] as const;
const cents = (min: number, max: number) => fc.integer({ min, max }).map((n) => (n / 100).toFixed(2));

/** Small random households: 1–3 accounts over up to 5 symbols, with a random policy. */
export const householdArb = fc
  .record({
    prices: fc.tuple(...POOL.map(() => cents(100, 50_000))),
    weights: fc.tuple(...POOL.map(() => fc.integer({ min: 0, max: 10 }))),
    accounts: fc.array(
      fc.record({
        cash: cents(0, 2_000_000),
        lots: fc.array(
          fc.record({
            symbol: fc.constantFrom(...POOL),
            quantity: fc.oneof(fc.integer({ min: 1, max: 200 }).map(String), cents(1, 20_000)),
          }),
          { maxLength: 4 },
        ),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    wholeShares: fc.boolean(),
    mode: fc.constantFrom('full', 'band', 'cash-flow', 'partial'),
    bandTarget: fc.constantFrom('target', 'edge'),
    partialSymbols: fc.integer({ min: 1, max: 3 }),
    cashFlow: fc.constantFrom('0', '0', '750', '-300'),
    minTradeValue: fc.constantFrom('0', '50'),
    cashBuffer: fc.constantFrom(0, 0.01, 0.05),
    spreadBps: fc.constantFrom(0, 2, 15),
    commission: fc.constantFrom('0', '1'),
    maxTurnover: fc.constantFrom(null, 0.05, 0.3),
    halted: fc.subarray([...POOL], { maxLength: 1 }),
    doNotBuy: fc.subarray([...POOL], { maxLength: 1 }),
    doNotSell: fc.subarray([...POOL], { maxLength: 1 }),
  })
  .filter(({ weights }) => weights.some((w) => w > 0));

export function build(
  h: fc.Arbitrary<unknown> extends never
    ? never
    : typeof householdArb extends fc.Arbitrary<infer T>
      ? T
      : never,
): {
  portfolio: PortfolioFile;
  prices: ReturnType<typeof quotes>;
} {
  const total = h.weights.reduce((a, b) => a + b, 0);
  const targets = Object.fromEntries(
    POOL.flatMap((symbol, i) => ((h.weights[i] ?? 0) > 0 ? [[symbol, (h.weights[i] ?? 0) / total]] : [])),
  );
  const portfolio = parsePortfolioFile({
    id: 'prop',
    accounts: h.accounts.map((account, index) => ({
      id: `acct${index}`,
      type: 'taxable',
      cash: account.cash,
      lots: account.lots.map((lot) => ({ ...lot, costBasis: '0', acquired: '2015-01-02' })),
    })),
    targets,
    policy: {
      bands: { absolute: 0.02, relative: 0.2 },
      mode: h.mode,
      bandTarget: h.bandTarget,
      partialSymbols: h.partialSymbols,
      cashFlow: h.cashFlow,
      wholeShares: h.wholeShares,
      minTradeValue: h.minTradeValue,
      cashBuffer: h.cashBuffer,
      maxTurnover: h.maxTurnover,
      costs: { commission: h.commission, spreadBps: h.spreadBps },
      restrictions: { halted: h.halted, doNotBuy: h.doNotBuy, doNotSell: h.doNotSell },
    },
  });
  return {
    portfolio,
    prices: quotes(Object.fromEntries(POOL.map((symbol, i) => [symbol, h.prices[i] ?? '1']))),
  };
}
