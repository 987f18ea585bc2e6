import { realizedGainsByYear, type RealizedSale } from './realized-gains';
import { parseTaxPolicy } from './tax-policy';

// 26 U.S.C. 1211(b) / 1212(b): 3,000 of net capital loss a year against ordinary income, the rest
// carried forward with its character (Schedule D Capital Loss Carryover Worksheet).
const policy = parseTaxPolicy(
  { taxRates: { shortTerm: 0.24, longTerm: 0.15, state: 0 } },
  { accountIds: [], symbols: [] },
);
const lot = (lotId: string, gain: string, term: 'short' | 'long') => ({
  lotId,
  acquiredOn: '2020-01-02',
  quantity: '1',
  costBasis: '0',
  proceeds: gain,
  gain,
  term,
});
const sales: RealizedSale[] = [
  {
    saleId: 'S1',
    accountId: 'brokerage',
    accountType: 'taxable',
    soldOn: '2022-03-01',
    lots: [lot('a', '-7000', 'short'), lot('b', '-1000', 'long')],
  },
  {
    saleId: 'S2',
    accountId: 'ira',
    accountType: 'traditional',
    soldOn: '2022-06-01',
    lots: [lot('c', '5000', 'short')],
  },
  {
    saleId: 'S3',
    accountId: 'spouse',
    accountType: 'taxable',
    soldOn: '2022-09-01',
    lots: [lot('d', '-2000', 'short')],
  },
];

describe('realizedGainsByYear', () => {
  it('reports per account and carries the household’s net loss through the following years', () => {
    const years = realizedGainsByYear(sales, policy, new Map([['S3:d', '500']]));
    // 2022: taxable −7,000 − 1,500 (2,000 less the 500 washed) short-term, −1,000 long-term; the IRA's
    // gain is not taxed. Net −9,500: 3,000 deducted, 5,500 carried (short-term first absorbs it).
    expect(years[0]?.accounts).toEqual([
      { accountId: 'brokerage', accountType: 'taxable', shortTerm: '-7000', longTerm: '-1000' },
      { accountId: 'ira', accountType: 'traditional', shortTerm: '5000', longTerm: '0' },
      { accountId: 'spouse', accountType: 'taxable', shortTerm: '-1500', longTerm: '0' },
    ]);
    expect(
      years.map((y) => [
        y.year,
        y.netting.deductedLoss,
        y.netting.carryforward.shortTerm,
        y.netting.carryforward.longTerm,
      ]),
    ).toEqual([
      [2022, '3000', '5500', '1000'],
      [2023, '3000', '2500', '1000'],
      [2024, '3000', '0', '500'],
      [2025, '500', '0', '0'],
    ]);
    expect(years[0]?.estimatedTax.total).toBe('-720.00'); // 3,000 deducted at 24%
    expect(years[1]?.carriedIn).toEqual({ shortTerm: '5500', longTerm: '1000' });
  });

  it('stops listing years when nothing can deduct the carry (a loss limit of 0)', () => {
    const noLimit = { ...policy, lossLimit: '0' };
    const years = realizedGainsByYear([sales[0] as RealizedSale], noLimit);
    expect(years.map((y) => y.year)).toEqual([2022]);
    expect(years[0]?.netting.carryforward).toEqual({ shortTerm: '7000', longTerm: '1000' });
  });

  it('is empty without sales', () => {
    expect(realizedGainsByYear([], policy)).toEqual([]);
  });
});
