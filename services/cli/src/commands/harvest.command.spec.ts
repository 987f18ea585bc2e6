import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import { ballast, scratchFiles } from '../testing/run-in-process';

const examples = path.resolve(__dirname, '../../examples');

// A household on 2024-08-05 (clock pinned by the file's asOf). The brokerage account holds VTI at a
// 3,000 loss (12%), BND at a 1,600 loss while the IRA bought AGG (identical to BND under the policy)
// 16 days ago, and VOO at a 200 loss (4%, under the 5% threshold). 26 U.S.C. 1091 for the wash-sale
// window; the benefit at the policy's marginal rates.
const household = {
  id: 'lee',
  asOf: '2024-08-05',
  accounts: [
    {
      id: 'brokerage',
      type: 'taxable',
      cash: '500',
      lots: [
        { symbol: 'VTI', quantity: '100', costBasis: '25000', acquired: '2024-01-16' },
        { symbol: 'BND', quantity: '200', costBasis: '16000', acquired: '2023-05-01' },
        { symbol: 'VOO', quantity: '10', costBasis: '5000', acquired: '2022-01-03' },
      ],
    },
    {
      id: 'ira',
      type: 'traditional',
      cash: '1000',
      lots: [{ symbol: 'AGG', quantity: '30', costBasis: '3000', acquired: '2024-07-20' }],
    },
  ],
  transactions: [
    { account: 'brokerage', symbol: 'VTI', side: 'buy', quantity: '100', price: '250', date: '2024-01-16' },
    { account: 'ira', symbol: 'AGG', side: 'buy', quantity: '30', price: '96', date: '2024-07-20' },
  ],
  targets: { VTI: 0.6, BND: 0.3, VOO: 0.1 },
  policy: {
    costs: { commission: '1', spreadBps: 5 },
    taxRates: { shortTerm: 0.24, longTerm: 0.15, state: 0.05 },
    harvest: { minLossPct: 0.05, minLossAmount: 100 },
    identical: [['BND', 'AGG']],
    substitutes: { VTI: ['ITOT'] },
  },
};
const prices = [
  'date,VTI,ITOT,VOO,BND,AGG',
  '2024-07-01,240,120,510,74,99',
  '2024-08-01,231,115,500,73,98',
  '2024-08-02,225,112,490,72.5,97.5',
  '2024-08-05,220,110,480,72,97',
  '2024-08-06,221,111,481,72,97',
].join('\n');

interface HarvestJson {
  portfolio: string;
  asOf: string;
  pricesDate: string;
  candidates: {
    lotId: string;
    symbol: string;
    unrealizedLoss: string;
    term: string;
    tradingCost: string;
    substitute: { symbol: string; quantity: string };
    taxBenefit: { total: string };
    netBenefit: string;
  }[];
  excluded: { lotId: string; reasons: { code: string; detail: string }[] }[];
  totalTaxBenefit: string;
  coverage: { complete: boolean; gaps: { code: string }[] };
}

function files(document: unknown = household, name = 'lee.json'): string {
  return scratchFiles({
    [name]: name.endsWith('.json') ? JSON.stringify(document) : toYaml(document),
    'prices.csv': prices,
  });
}

describe('ballast harvest', () => {
  it('lists the candidates, the substitutes, the benefit and every losing lot left out, as one JSON document', async () => {
    const run = await ballast(
      ['harvest', '--portfolio', 'lee.json', '--prices', 'prices.csv', '--json'],
      files(),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as HarvestJson;
    expect([report.portfolio, report.asOf, report.pricesDate]).toEqual(['lee', '2024-08-05', '2024-08-05']);
    // VTI: loss 25,000 − 100 × 220 = 3,000, short-term; costs 2 × 1 + 2 × 5 bps × 22,000 = 24.00;
    // benefit 3,000 × (24% + 5%) = 870.00; ITOT bought with (22,000 − 24) / 110 = 199.78 -> 199 shares.
    expect(report.candidates).toEqual([
      expect.objectContaining({
        lotId: 'brokerage#0',
        symbol: 'VTI',
        unrealizedLoss: '3000',
        term: 'short',
        tradingCost: '24.00',
        substitute: { symbol: 'ITOT', price: '110', quantity: '199' },
        taxBenefit: { federal: '720.00', state: '150.00', total: '870.00' },
        netBenefit: '846.00',
      }),
    ]);
    expect(report.totalTaxBenefit).toBe('870.00');
    expect(report.excluded.map((e) => [e.lotId, e.reasons.map((r) => r.code)])).toEqual([
      ['brokerage#1', ['wash-sale-window', 'no-substitute']],
      ['brokerage#2', ['below-threshold', 'no-substitute']],
      ['ira#0', ['tax-advantaged-account']],
    ]);
    expect(report.excluded[0]?.reasons[0]?.detail).toBe(
      'bought 30 AGG in ira on 2024-07-20: a sale now would have the loss on 30 of 200 shares disallowed (26 U.S.C. 1091)',
    );
    expect(report.coverage).toEqual({ complete: true, gaps: [] });
  });

  it('prints tables with the reasons, and reads the same household from YAML', async () => {
    const run = await ballast(
      ['harvest', '--portfolio', 'lee.yaml', '--prices', 'prices.csv'],
      files(household, 'lee.yaml'),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Tax-loss harvest for lee as of 2024-08-05 (prices of 2024-08-05)');
    expect(run.stdout).toMatch(
      /brokerage#0\s+VTI\s+2024-01-16\s+100\s+25000\.00\s+22000\.00\s+3000\.00\s+short\s+24\.00\s+199 ITOT\s+870\.00\s+846\.00/,
    );
    expect(run.stdout).toContain('Estimated tax benefit: 870.00');
    expect(run.stdout).toContain(
      'below-threshold: net loss 193.20 (after 6.80 of trading costs) is 3.86% of the basis',
    );
    expect(run.stdout).toContain('Coverage: complete');
  });

  it('moves the as-of date with --as-of, and says when the history does not cover 30 days', async () => {
    const recent = { ...household, transactions: household.transactions.slice(1) };
    const run = await ballast(
      ['harvest', '--portfolio', 'lee.json', '--prices', 'prices.csv', '--as-of', '2024-08-02', '--json'],
      files(recent),
    );
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as HarvestJson;
    expect([report.asOf, report.pricesDate]).toEqual(['2024-08-02', '2024-08-02']);
    // At 225: VTI's loss is 2,500.
    expect(report.candidates[0]?.unrealizedLoss).toBe('2500');
    expect(report.coverage.complete).toBe(false);
    expect(report.coverage.gaps.map((g) => g.code)).toEqual(['history-shorter-than-30-days']);
  });

  it('rejects an identical group naming an unknown symbol, with the field path (exit 1)', async () => {
    const bad = { ...household, policy: { ...household.policy, identical: [['BND', 'AGGG']] } };
    const run = await ballast(['harvest', '--portfolio', 'lee.json', '--prices', 'prices.csv'], files(bad));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      "ballast harvest: InvalidTaxPolicyError: Invalid tax policy: policy.identical[0][1]: unknown symbol AGGG: not in the household's lots, transactions, targets or prices\n",
    );
  });

  it('rejects a substitute the policy marks identical (exit 1)', async () => {
    const bad = { ...household, policy: { ...household.policy, substitutes: { BND: ['AGG'] } } };
    const run = await ballast(['harvest', '--portfolio', 'lee.json', '--prices', 'prices.csv'], files(bad));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('policy.substitutes.BND[0]: AGG is marked substantially identical to BND');
  });

  it('rejects a lot acquired after the as-of date and a negative quantity, naming the field (exit 1)', async () => {
    const late = await ballast(
      ['harvest', '--portfolio', 'lee.json', '--prices', 'prices.csv', '--as-of', '2024-07-01'],
      files(),
    );
    expect(late.code).toBe(1);
    expect(late.stderr).toBe(
      'ballast harvest: InvalidTaxInputError: accounts[1].lots[0].acquired: acquired 2024-07-20, after the as-of date 2024-07-01\n',
    );
    const negative = structuredClone(household);
    negative.accounts[0]!.lots[0]!.quantity = '-100';
    const run = await ballast(
      ['harvest', '--portfolio', 'lee.json', '--prices', 'prices.csv'],
      files(negative),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('accounts[0].lots[0].quantity');
  });

  it('harvests the October 2008 example household on the bundled real prices', async () => {
    const run = await ballast([
      'harvest',
      '--portfolio',
      path.join(examples, 'garcia-harvest.yaml'),
      '--prices',
      path.join(examples, 'etf-prices-2008-2016.csv'),
      '--json',
    ]);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as HarvestJson;
    // EFA closed at 42.95000076293945 on 2008-10-15: 200 shares bought for 15,644.00 lose 7,054.00
    // (short-term): 25% + 5% of it is 2,116.20; costs 2 + 2 × 5 bps × 8,590.00 = 10.59; EEM at
    // 24.010000228881836 for the 8,579.41 left: 357 shares.
    expect(
      report.candidates.map((c) => [
        c.symbol,
        c.substitute.symbol,
        c.substitute.quantity,
        c.taxBenefit.total,
        c.netBenefit,
      ]),
    ).toEqual([
      ['EFA', 'EEM', '357', '2116.20', '2105.61'],
      ['LQD', 'IEF', '48', '318.46', '312.22'],
    ]);
    expect(report.excluded.map((e) => [e.lotId, e.reasons.map((r) => r.code)])).toEqual([
      ['brokerage#0', ['no-substitute']],
      ['brokerage#3', ['wash-sale-window']],
      ['ira#1', ['tax-advantaged-account']],
    ]);
  });

  it('reports bad usage with exit code 2', async () => {
    const dir = files();
    const badDate = await ballast(
      ['harvest', '--portfolio', 'lee.json', '--prices', 'prices.csv', '--as-of', '2024-02-30'],
      dir,
    );
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('--as-of: "2024-02-30" is not a date in YYYY-MM-DD form');
    const missing = await ballast(['harvest', '--portfolio', 'nope.json', '--prices', 'prices.csv'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--portfolio nope.json: cannot read the file (no such file)');
  });
});
