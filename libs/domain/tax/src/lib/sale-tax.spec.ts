import { estimateSaleTax, gainsBudgetRemaining, saleTaxSegments } from './sale-tax';
import { parseTaxPolicy } from './tax-policy';

// Lots of one fund in one account, priced at 170 on 2024-09-03 (the HIFO vs FIFO scenario's lots,
// plus a short-term lot turning long-term in 20 days):
//   A: 100 sh 2019-01-10, 10,000 (100/sh): long-term gain 70/sh
//   B: 100 sh 2023-06-01, 18,000 (180/sh): long-term loss 10/sh
//   C: 100 sh 2024-03-01, 16,000 (160/sh): short-term gain 10/sh
//   D:  10 sh 2023-09-20,  1,500 (150/sh): short-term gain 20/sh, long-term from 2024-09-21
const lots = [
  { lotId: 'A', quantity: '100', costBasis: '10000', acquiredOn: '2019-01-10' },
  { lotId: 'B', quantity: '100', costBasis: '18000', acquiredOn: '2023-06-01' },
  { lotId: 'C', quantity: '100', costBasis: '16000', acquiredOn: '2024-03-01' },
  { lotId: 'D', quantity: '10', costBasis: '1500', acquiredOn: '2023-09-20' },
];
const policy = parseTaxPolicy(
  {
    taxRates: { shortTerm: 0.24, longTerm: 0.15, state: 0.05 },
    avoidShortTermDays: 30,
    gainsBudget: { realizedGains: '7300', prorate: true },
  },
  { accountIds: [], symbols: [] },
);
const base = {
  accountType: 'taxable' as const,
  lots,
  price: '170',
  asOf: '2024-09-03',
  policy,
  method: 'tax-minimizing' as const,
};

describe('saleTaxSegments', () => {
  it('gives each lot in relief order with its tax per share at marginal rates', () => {
    expect(
      saleTaxSegments(base).map((s) => [
        s.lotId,
        s.quantity,
        s.gainPerShare,
        s.term,
        s.taxPerShare,
        s.longTermSoon,
      ]),
    ).toEqual([
      ['B', '100', '-10', 'long', '-2', false], // −10 × (15% + 5%)
      ['A', '100', '70', 'long', '14', false], // 70 × 20%
      ['C', '100', '10', 'short', '2.9', false], // 10 × (24% + 5%)
      ['D', '10', '20', 'short', '5.8', true], // long-term on 2024-09-21, 18 days away
    ]);
  });

  it('costs no tax in an IRA', () => {
    expect(saleTaxSegments({ ...base, accountType: 'traditional' }).every((s) => s.taxPerShare === '0')).toBe(
      true,
    );
  });
});

describe('estimateSaleTax', () => {
  it('prices a sale lot by lot and flags a short-term lot about to turn long-term', () => {
    const fifo = estimateSaleTax({ ...base, method: 'fifo', quantity: '150' });
    // FIFO: A (100, +7,000 LT), B (50, −500 LT): 7,000 × 20% − 500 × 20% = 1,300.00.
    expect([fifo.realizedShortTerm, fifo.realizedLongTerm, fifo.estimatedTax]).toEqual([
      '0',
      '6500',
      '1300.00',
    ]);
    const all = estimateSaleTax({ ...base, method: 'fifo', quantity: '310' });
    expect(all.longTermSoonLots).toEqual(['D']);
  });
});

describe('gainsBudgetRemaining', () => {
  it('prorates the annual budget by the elapsed days and subtracts what was used', () => {
    // 2024 has 366 days; 2024-09-03 is day 247: 7,300 × 247 / 366 = 4,926.50 (rounded down).
    expect(
      gainsBudgetRemaining(policy, '2024-09-03', { realizedNetGains: '1000', estimatedTax: '0' }),
    ).toEqual({
      kind: 'realized-gains',
      available: '4926.5',
      remaining: '3926.5',
    });
    expect(
      gainsBudgetRemaining(policy, '2024-09-03', { realizedNetGains: '9000', estimatedTax: '0' })?.remaining,
    ).toBe('0');
    expect(
      gainsBudgetRemaining({ ...policy, gainsBudget: null }, '2024-09-03', {
        realizedNetGains: '0',
        estimatedTax: '0',
      }),
    ).toBeNull();
  });
});
