import { findWashSales, InvalidWashSaleInputError, type LossSale, type Purchase } from './wash-sale';

const sale = (overrides: Partial<LossSale> = {}): LossSale => ({
  saleId: 'S1',
  accountId: 'taxable',
  symbol: 'XYZ',
  soldOn: '2024-05-15',
  quantity: '100',
  loss: '250',
  acquiredOn: '2023-01-10',
  ...overrides,
});
const purchase = (overrides: Partial<Purchase> = {}): Purchase => ({
  purchaseId: 'P1',
  accountId: 'taxable',
  accountType: 'taxable',
  symbol: 'XYZ',
  boughtOn: '2024-06-01',
  quantity: '100',
  ...overrides,
});

describe('findWashSales', () => {
  // IRS Publication 550, "Wash Sales", Example 1: 100 shares bought for $1,000, sold for $750; within
  // 30 days 100 shares of the same stock bought for $800: the $250 loss is not deductible and is added
  // to the new shares' basis ($800 + $250 = $1,050).
  it('disallows the whole loss when every share is replaced within 30 days (Publication 550, example 1)', () => {
    const report = findWashSales([sale()], [purchase()]);
    expect(report.matches).toEqual([
      {
        saleId: 'S1',
        purchaseId: 'P1',
        quantity: '100',
        disallowedLoss: '250',
        treatment: 'basis-adjusted',
        // Sold shares held 2023-01-10 .. 2024-05-15 (491 days); replacement bought 2024-06-01:
        // its holding period counts from 2024-06-01 minus 491 days = 2023-01-27.
        holdingPeriodFrom: '2023-01-27',
      },
    ]);
    expect(report.allowedLoss.get('S1')).toBe('0');
  });

  it('disallows only the replaced shares’ part of the loss', () => {
    const report = findWashSales([sale()], [purchase({ quantity: '40' })]);
    expect(report.matches.map((m) => [m.quantity, m.disallowedLoss])).toEqual([['40', '100']]);
    expect(report.allowedLoss.get('S1')).toBe('150');
  });

  it('looks 30 days back and 30 days ahead, and no further', () => {
    const within = [
      purchase({ purchaseId: 'before', boughtOn: '2024-04-15' }),
      purchase({ purchaseId: 'after', boughtOn: '2024-06-14' }),
    ];
    const outside = [
      purchase({ purchaseId: 'early', boughtOn: '2024-04-14' }),
      purchase({ purchaseId: 'late', boughtOn: '2024-06-15' }),
    ];
    expect(findWashSales([sale()], outside).matches).toEqual([]);
    expect(
      findWashSales([sale({ quantity: '200', loss: '500' })], within).matches.map((m) => m.purchaseId),
    ).toEqual(['before', 'after']);
  });

  it('finds a replacement in another account of the household, and a loss lost for good in an IRA', () => {
    const report = findWashSales(
      [sale()],
      [purchase({ accountId: 'spouse-ira', accountType: 'traditional' })],
    );
    expect(report.matches[0]).toMatchObject({ treatment: 'permanently-disallowed', disallowedLoss: '250' });
  });

  it('lets each replacement share absorb one loss only, loss sales in date order', () => {
    const sales = [
      sale({ saleId: 'late', soldOn: '2024-05-20' }),
      sale({ saleId: 'early', soldOn: '2024-05-10' }),
    ];
    const report = findWashSales(sales, [purchase({ quantity: '150' })]);
    expect(report.matches.map((m) => [m.saleId, m.quantity])).toEqual([
      ['early', '100'],
      ['late', '50'],
    ]);
    expect(report.allowedLoss.get('late')).toBe('125');
  });

  it('never treats the sold shares as their own replacement', () => {
    const bought = purchase({ purchaseId: 'lot', boughtOn: '2024-05-01' });
    expect(findWashSales([sale({ soldPurchaseIds: ['lot'] })], [bought]).matches).toEqual([]);
  });

  it('uses the policy’s map of substantially identical securities, and nothing else', () => {
    const sameIndex = (symbol: string) => (symbol === 'IVV' || symbol === 'VOO' ? 'S&P 500' : symbol);
    expect(
      findWashSales([sale({ symbol: 'IVV' })], [purchase({ symbol: 'VOO' })], sameIndex).matches,
    ).toHaveLength(1);
    expect(findWashSales([sale({ symbol: 'IVV' })], [purchase({ symbol: 'VOO' })]).matches).toHaveLength(0);
  });

  it('splits a loss into allowed and disallowed parts that add up to it exactly', () => {
    // 1/3 of the shares replaced: 100.00 / 3 is not a whole number of cents.
    const report = findWashSales([sale({ quantity: '3', loss: '100.00' })], [purchase({ quantity: '1' })]);
    expect(report.matches[0]?.disallowedLoss).toBe('33.33');
    expect(report.allowedLoss.get('S1')).toBe('66.67');
  });

  it('names malformed input', () => {
    expect(() => findWashSales([sale({ loss: '-5' })], [])).toThrow(InvalidWashSaleInputError);
    expect(() => findWashSales([sale({ loss: '-5' })], [])).toThrow(
      'sales.0.loss: -5 must be greater than 0',
    );
    expect(() => findWashSales([sale()], [purchase({ boughtOn: '2024-02-30' })])).toThrow(
      'purchases.0.boughtOn',
    );
  });
});
