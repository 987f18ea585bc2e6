import { findHarvestCandidates, type HarvestInput } from './harvest';
import { type HouseholdAccount, InvalidTaxInputError } from './household';
import { parseTaxPolicy } from './tax-policy';

// A household on 2024-08-05 (clock pinned by asOf): a taxable brokerage account, a traditional IRA
// and the spouse's taxable account. Costs: 1.00 commission and 5 bps half-spread per order.
const accounts: HouseholdAccount[] = [
  {
    id: 'brokerage',
    type: 'taxable',
    lots: [
      { symbol: 'VTI', quantity: '100', costBasis: '25000', acquired: '2024-01-16' }, // loss 3,000 (12%)
      { symbol: 'VOO', quantity: '10', costBasis: '5000', acquired: '2022-01-03' }, // loss 200 (4%)
      { symbol: 'BND', quantity: '200', costBasis: '16000', acquired: '2023-05-01' }, // loss 1,600, AGG bought in the IRA
      { symbol: 'VXUS', quantity: '50', costBasis: '3500', acquired: '2023-02-01' }, // loss 500, no substitute
      { symbol: 'VTI', quantity: '5', costBasis: '1000', acquired: '2023-02-01' }, // a gain: not a candidate
      { symbol: 'XYZ', quantity: '1', costBasis: '10', acquired: '2023-02-01' }, // no price
    ],
  },
  {
    id: 'ira',
    type: 'traditional',
    lots: [{ symbol: 'VTI', quantity: '10', costBasis: '2600', acquired: '2024-02-01' }],
  },
  {
    id: 'spouse',
    type: 'taxable',
    lots: [{ symbol: 'IVV', quantity: '20', costBasis: '12000', acquired: '2024-07-25' }],
  },
];
const prices = new Map(
  Object.entries({
    VTI: '220',
    ITOT: '110',
    VOO: '480',
    IVV: '540',
    BND: '72',
    AGG: '97',
    VXUS: '60',
    SCHZ: '23',
    SCHB: '55',
  }),
);
const policy = parseTaxPolicy(
  {
    taxRates: { shortTerm: 0.24, longTerm: 0.15, state: 0.05 },
    harvest: { minLossPct: 0.05, minLossAmount: 100 },
    identical: [
      ['VOO', 'IVV'],
      ['BND', 'AGG'],
    ],
    substitutes: { VTI: ['ITOT'], IVV: ['SCHX', 'VTI', 'SCHB'], VOO: ['VTI'], BND: ['SCHZ'] },
  },
  { accountIds: ['brokerage', 'ira', 'spouse'], symbols: [...prices.keys(), 'SCHX', 'XYZ'] },
);
const input: HarvestInput = {
  accounts,
  prices,
  transactions: [
    { account: 'brokerage', symbol: 'VTI', side: 'buy', quantity: '100', price: '250', date: '2024-01-16' },
    { account: 'ira', symbol: 'AGG', side: 'buy', quantity: '30', price: '96', date: '2024-07-20' },
    { account: 'spouse', symbol: 'IVV', side: 'buy', quantity: '20', price: '600', date: '2024-07-25' },
    { account: 'brokerage', symbol: 'ITOT', side: 'buy', quantity: '3', price: '112', date: '2024-07-30' },
  ],
  policy,
  asOf: '2024-08-05',
  costs: { commission: '1', spreadBps: 5 },
  restrictions: { doNotSell: ['VXUS'] },
};

describe('findHarvestCandidates', () => {
  const report = findHarvestCandidates(input);

  it('proposes the taxable lots past both thresholds, with the substitute and the benefit', () => {
    expect(report.candidates.map((c) => c.lotId)).toEqual(['brokerage#0', 'spouse#0']);
    // VTI: value 22,000, loss 3,000 short-term. Costs 2 × 1.00 + 2 × 5 bps × 22,000 = 24.00.
    // Benefit 3,000 × 24% = 720.00 federal, 3,000 × 5% = 150.00 state. ITOT: (22,000 − 24) / 110 = 199.78.
    expect(report.candidates[0]).toEqual({
      lotId: 'brokerage#0',
      accountId: 'brokerage',
      symbol: 'VTI',
      acquired: '2024-01-16',
      quantity: '100',
      costBasis: '25000',
      price: '220',
      marketValue: '22000',
      unrealizedLoss: '3000',
      lossPct: 0.12,
      term: 'short',
      tradingCost: '24.00',
      netLoss: '2976',
      substitute: { symbol: 'ITOT', price: '110', quantity: '199' },
      taxBenefit: { federal: '720.00', state: '150.00', total: '870.00' },
      netBenefit: '846.00',
    });
    expect(report.totalTaxBenefit).toBe('1218.00');
    // Transactions since 2024-01-16, more than 30 days: the wash-sale window is covered.
    expect(report.coverage).toEqual({ complete: true, gaps: [] });
  });

  it('does not count a lot’s own purchase as its replacement, and skips a substitute without a price', () => {
    // IVV bought 2024-07-25 (11 days ago) is the lot itself. Substitutes: SCHX has no price, VTI is
    // sold at a loss by this same harvest, so SCHB: (10,800 − 12.80 of costs) / 55 = 196.13.
    expect(report.candidates[1]).toMatchObject({
      lotId: 'spouse#0',
      unrealizedLoss: '1200',
      substitute: { symbol: 'SCHB', quantity: '196' },
      netBenefit: '335.20',
    });
  });

  it('reports every losing lot left out, with its reasons', () => {
    const reasons = Object.fromEntries(report.excluded.map((e) => [e.lotId, e.reasons.map((r) => r.code)]));
    expect(reasons).toEqual({
      // VOO is identical to IVV, which the spouse bought 11 days ago.
      'brokerage#1': ['below-threshold', 'wash-sale-window'],
      'brokerage#2': ['wash-sale-window'],
      'brokerage#3': ['restricted', 'no-substitute'],
      'brokerage#5': ['no-price'],
      'ira#0': ['tax-advantaged-account'],
    });
    const detail = (lotId: string) => report.excluded.find((e) => e.lotId === lotId)?.reasons[0]?.detail;
    expect(detail('brokerage#1')).toBe(
      'net loss 193.20 (after 6.80 of trading costs) is 3.86% of the basis; the policy asks for at least 100 and 5%',
    );
    expect(detail('brokerage#2')).toBe(
      'bought 30 AGG in ira on 2024-07-20: a sale now would have the loss on 30 of 200 shares disallowed (26 U.S.C. 1091)',
    );
  });

  it('never buys for one lot a substitute identical to another lot it sells at a loss', () => {
    const conflicting = findHarvestCandidates({
      ...input,
      accounts: [
        ...accounts,
        { id: 'roth', type: 'roth', lots: [] },
        {
          id: 'trust',
          type: 'taxable',
          lots: [{ symbol: 'ITOT', quantity: '100', costBasis: '12000', acquired: '2023-01-03' }],
        },
      ],
      policy: {
        ...policy,
        substitutes: new Map([...policy.substitutes, ['IVV', ['VTI']], ['ITOT', ['SCHB']]]),
      },
    });
    // VTI's harvest (the best) buys ITOT: the trust's ITOT loss is left; IVV cannot buy VTI.
    expect(conflicting.candidates.map((c) => c.lotId)).toEqual(['brokerage#0']);
    const reason = (lotId: string) => conflicting.excluded.find((e) => e.lotId === lotId)?.reasons[0];
    expect(reason('trust#0')?.code).toBe('wash-sale-window');
    expect(reason('spouse#0')).toEqual({
      code: 'no-substitute',
      detail:
        'no usable substitute for IVV: VTI is sold at a loss by this harvest (buying it would be a wash sale)',
    });
  });

  it('says the coverage is incomplete when the history is shorter than 30 days or accounts are missing', () => {
    const short = findHarvestCandidates({
      ...input,
      transactions: input.transactions.slice(1),
      missingAccounts: ['spouse-401k'],
    });
    expect(short.coverage.complete).toBe(false);
    expect(short.coverage.gaps.map((g) => g.code)).toEqual([
      'history-shorter-than-30-days',
      'accounts-missing',
    ]);
  });

  it('looks back 30 days and no further, and counts planned buys', () => {
    const withBuy = (date: string) =>
      findHarvestCandidates({
        ...input,
        transactions: [{ account: 'ira', symbol: 'VTI', side: 'buy', quantity: '1', price: '230', date }],
      }).candidates.some((c) => c.lotId === 'brokerage#0');
    expect(withBuy('2024-07-06')).toBe(false); // 30 days before
    expect(withBuy('2024-07-05')).toBe(true); // 31 days before
    const planned = findHarvestCandidates({
      ...input,
      plannedBuys: [{ account: 'ira', symbol: 'VTI', quantity: '4' }],
    });
    expect(planned.excluded.find((e) => e.lotId === 'brokerage#0')?.reasons[0]?.detail).toContain(
      'a planned buy of 4 VTI in ira',
    );
  });

  it('raises the bar with the thresholds and with costs', () => {
    const strict = parseTaxPolicy(
      { harvest: { minLossPct: 0.13 }, substitutes: { VTI: 'ITOT' } },
      { accountIds: [], symbols: ['VTI', 'ITOT'] },
    );
    expect(findHarvestCandidates({ ...input, policy: strict }).candidates).toEqual([]);
    const costly = findHarvestCandidates({ ...input, costs: { commission: '1500', spreadBps: 0 } });
    expect(costly.candidates.map((c) => c.lotId)).toEqual([]);
  });

  it('rejects a lot acquired after the as-of date and a negative quantity, naming the field', () => {
    const bad = (lot: { quantity: string; acquired: string }) => () =>
      findHarvestCandidates({
        ...input,
        accounts: [{ id: 'x', type: 'taxable', lots: [{ symbol: 'VTI', costBasis: '1', ...lot }] }],
      });
    expect(bad({ quantity: '1', acquired: '2024-08-06' })).toThrow(InvalidTaxInputError);
    expect(bad({ quantity: '1', acquired: '2024-08-06' })).toThrow(
      'accounts[0].lots[0].acquired: acquired 2024-08-06, after the as-of date 2024-08-05',
    );
    expect(bad({ quantity: '-3', acquired: '2024-01-01' })).toThrow(
      'accounts[0].lots[0].quantity: a lot holds a positive quantity, got -3',
    );
  });
});
