import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import { ballast, scratchFiles } from '../testing/run-in-process';

const examples = path.resolve(__dirname, '../../examples');
const smithJson = readFileSync(path.join(examples, 'smith.json'), 'utf8');
const etfPrices = path.join(examples, 'etf-prices-2008-2016.csv');

interface PlanJson {
  asOf: string;
  pricesDate: string;
  value: { total: string; accounts: { account: string; cash: string; value: string }[] };
  drift: {
    portfolio: number;
    symbols: { symbol: string; current: number; target: number; outOfBand: boolean }[];
  };
  triggers: { kind: string }[];
  orders: {
    account: string;
    side: string;
    quantity: string;
    symbol: string;
    estimatedValue: string;
    reason: string;
  }[];
  after: { total: string; accounts: { account: string; cash: string; value: string }[] };
  costs: { total: string };
  explanation: string[];
}

function withSmith(change: (document: Record<string, unknown>) => void): string {
  const document = JSON.parse(smithJson) as Record<string, unknown>;
  change(document);
  return JSON.stringify(document);
}

// Each run loads HiGHS and solves a MIP: about half a second alone, several when the machine is busy.
jest.setTimeout(60_000);

describe('ballast plan', () => {
  it('answers the example household of issue 3 with the whole-share optimum, sells first, as one JSON document', async () => {
    const run = await ballast([
      'plan',
      '--portfolio',
      path.join(examples, 'smith.json'),
      '--prices',
      etfPrices,
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as PlanJson;
    expect(plan.asOf).toBe('2016-06-30');
    expect(plan.pricesDate).toBe('2016-06-30');
    // 120 SPY at the 2016-06-30 close of 209.47999572753906, plus 2 500 and 100 of cash.
    expect(plan.value.total).toBe('27737.5994873046872');
    expect(plan.drift.symbols.map((row) => [row.symbol, row.target, row.outOfBand])).toEqual([
      ['EFA', 0.1, true],
      ['SPY', 0.6, true],
      ['TLT', 0.3, true],
    ]);
    expect(plan.orders.map((o) => `${o.account} ${o.side} ${o.quantity} ${o.symbol}`)).toEqual([
      'taxable sell 41 SPY',
      'taxable buy 49 EFA',
      'taxable buy 59 TLT',
    ]);
    expect(plan.orders.every((order) => order.reason.length > 0)).toBe(true);
    // The small IRA cannot buy a share of anything without breaking its own buffer: untouched.
    expect(plan.after.accounts[1]).toEqual({
      account: 'ira',
      type: 'traditional',
      cash: '100',
      value: '100',
    });
    expect(plan.explanation.length).toBeGreaterThan(2);
  });

  it('shows the lots each sale relieves and the tax of the plan', async () => {
    const run = await ballast([
      'plan',
      '--portfolio',
      path.join(examples, 'smith.json'),
      '--prices',
      etfPrices,
      '--json',
    ]);
    const plan = JSON.parse(run.stdout) as {
      orders: {
        side: string;
        lots?: { acquiredOn: string; quantity: string; costBasis: string; gain: string; term: string }[];
      }[];
      tax: { realized: { account: string; longTerm: string }[]; estimatedTax: { total: string } };
    };
    // 41 of the 120 shares bought for 16 200 on 2014-03-03: basis 41/120 of it, 5 535; proceeds
    // 41 x 209.47999572753906 = 8 588.68, a long-term gain (held over a year) of 3 053.68.
    expect(plan.orders[0]?.lots).toEqual([
      expect.objectContaining({ acquiredOn: '2014-03-03', quantity: '41', costBasis: '5535', term: 'long' }),
    ]);
    expect(Number(plan.orders[0]?.lots?.[0]?.gain)).toBeCloseTo(3053.68, 2);
    expect(plan.orders.slice(1).every((order) => order.lots === undefined)).toBe(true);
    expect(plan.tax.realized.find((r) => r.account === 'taxable')?.longTerm).toBe(
      plan.orders[0]?.lots?.[0]?.gain,
    );
    // At the documented default long-term rate of 15%.
    expect(Number(plan.tax.estimatedTax.total)).toBeCloseTo(3053.68 * 0.15, 2);
  });

  it('reports a wash sale whose replacement was bought in the IRA: the loss is lost for good', async () => {
    const dir = scratchFiles({
      'prices.csv': 'date,AAA,BBB,CCC\n2016-06-20,50,50,100\n2016-06-30,40,40,100\n',
      'household.json': JSON.stringify({
        id: 'wash',
        accounts: [
          {
            id: 'taxable',
            type: 'taxable',
            cash: '0',
            lots: [{ symbol: 'AAA', quantity: '100', costBasis: '5000', acquired: '2016-01-04' }],
          },
          {
            id: 'ira',
            type: 'traditional',
            cash: '0',
            lots: [{ symbol: 'BBB', quantity: '100', costBasis: '5000', acquired: '2016-06-20' }],
          },
        ],
        transactions: [
          { account: 'ira', symbol: 'BBB', side: 'buy', quantity: '100', price: '50', date: '2016-06-20' },
        ],
        targets: { BBB: 0.5, CCC: 0.5 },
        policy: { identical: [['AAA', 'BBB']] },
      }),
    });
    const run = await ballast([
      'plan',
      '--portfolio',
      path.join(dir, 'household.json'),
      '--prices',
      path.join(dir, 'prices.csv'),
      '--as-of',
      '2016-06-30',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    const plan = JSON.parse(run.stdout) as {
      orders: { account: string; side: string; symbol: string }[];
      tax: {
        washSales: {
          account: string;
          symbol: string;
          disallowedLoss: string;
          permanentlyLost: boolean;
          replacement: { account: string; symbol: string };
        }[];
      };
    };
    // AAA has no target: all 100 are sold at 40, a 1 000 loss, ten days after the IRA bought BBB,
    // which the policy names substantially identical.
    expect(plan.orders).toContainEqual(
      expect.objectContaining({ account: 'taxable', side: 'sell', symbol: 'AAA' }),
    );
    expect(
      plan.tax.washSales.map((w) => [
        w.account,
        w.symbol,
        w.disallowedLoss,
        w.permanentlyLost,
        w.replacement.account,
        w.replacement.symbol,
      ]),
    ).toEqual([['taxable', 'AAA', '1000', true, 'ira', 'BBB']]);
  });

  it('reads the same household from YAML and plans the same orders', async () => {
    const dir = scratchFiles({ 'smith.yaml': toYaml(JSON.parse(smithJson)) });
    const fromYaml = await ballast([
      'plan',
      '--portfolio',
      path.join(dir, 'smith.yaml'),
      '--prices',
      etfPrices,
      '--json',
    ]);
    const fromJson = await ballast([
      'plan',
      '--portfolio',
      path.join(examples, 'smith.json'),
      '--prices',
      etfPrices,
      '--json',
    ]);
    expect(fromYaml.code).toBe(0);
    expect(fromYaml.stdout).toBe(fromJson.stdout);
  });

  it("answers the README's YAML example: sleeves, band mode to the edge, a deposit into the Roth", async () => {
    const run = await ballast([
      'plan',
      '--portfolio',
      path.join(examples, 'jones.yaml'),
      '--prices',
      etfPrices,
      '--json',
    ]);
    expect(run.stderr).toBe('');
    const plan = JSON.parse(run.stdout) as PlanJson & {
      after: { weights: { symbol: string; weight: number; targetWeight: number }[] };
      sleeves: { sleeve: string }[];
    };
    // One sale (SPY, the only overweight holding, in the account that holds it), sells first; each
    // account buys only with its own cash (the Roth with the deposit).
    expect(plan.orders[0]).toMatchObject({
      account: 'joint-taxable',
      side: 'sell',
      quantity: '18',
      symbol: 'SPY',
    });
    expect(plan.orders.slice(1).every((o) => o.side === 'buy')).toBe(true);
    expect(plan.orders.some((o) => o.account === 'roth')).toBe(true);
    const after = new Map(plan.after.weights.map((w) => [w.symbol, w.weight]));
    // To the edge of the narrower band, min(5 points, 25% of the target), within one share:
    // SPY 45% + 5 = 50%, EEM 10% - 2.5 = 7.5%, TLT 15% - 3.75 = 11.25%.
    expect(after.get('SPY')).toBeCloseTo(0.5, 2);
    expect(after.get('EEM')).toBeCloseTo(0.075, 2);
    expect(after.get('TLT')).toBeCloseTo(0.1125, 2);
    // IEF is inside its own bands but in the bonds sleeve, whose 4-point band fired: back to target.
    expect(after.get('IEF')).toBeCloseTo(0.15, 2);
    expect(plan.sleeves.map((s) => s.sleeve)).toEqual(['us-equity', 'intl-equity', 'bonds']);
    // Every account keeps its 0.2% buffer.
    for (const account of plan.after.accounts) {
      expect(Number(account.cash)).toBeGreaterThanOrEqual(Number(account.value) * 0.002);
    }
  });

  it('prints readable tables without --json', async () => {
    const run = await ballast([
      'plan',
      '--portfolio',
      path.join(examples, 'smith.json'),
      '--prices',
      etfPrices,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Plan for smith as of 2016-06-30');
    expect(run.stdout).toMatch(/taxable\s+sell\s+41\s+SPY\s+209\.48\s+8588\.68/);
    expect(run.stdout).toContain('Explanation');
  });

  it('a holding without a target (target 0) has a null relative drift, and is sold off', async () => {
    const dir = scratchFiles({
      'household.json': withSmith((d) => (d['targets'] = { TLT: 0.7, EFA: 0.3 })),
    });
    const run = await ballast([
      'plan',
      '--portfolio',
      path.join(dir, 'household.json'),
      '--prices',
      etfPrices,
      '--json',
    ]);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).not.toMatch(/NaN|Infinity/);
    const plan = JSON.parse(run.stdout) as PlanJson & {
      drift: { symbols: { symbol: string; relativeDrift: number | null }[] };
    };
    expect(plan.drift.symbols.find((row) => row.symbol === 'SPY')).toMatchObject({
      target: 0,
      relativeDrift: null,
      outOfBand: true,
    });
    expect(plan.orders[0]).toMatchObject({
      account: 'taxable',
      side: 'sell',
      symbol: 'SPY',
      quantity: '120',
    });
  });

  it('uses the latest row on or before --as-of', async () => {
    // 2016-07-04 was a US holiday (no row): the row of 2016-07-01 is used.
    const run = await ballast([
      'plan',
      '--portfolio',
      path.join(examples, 'smith.json'),
      '--prices',
      etfPrices,
      '--as-of',
      '2016-07-04',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as PlanJson;
    expect(plan.asOf).toBe('2016-07-04');
    expect(plan.pricesDate).toBe('2016-07-01');
  });

  describe('rejects bad input with an error naming the field, on stderr, with nothing on stdout', () => {
    async function planOf(portfolio: string, prices = etfPrices, extension = 'json') {
      const dir = scratchFiles({ [`household.${extension}`]: portfolio });
      return ballast([
        'plan',
        '--portfolio',
        path.join(dir, `household.${extension}`),
        '--prices',
        prices,
        '--json',
      ]);
    }

    it('weights that do not sum to 1', async () => {
      const run = await planOf(withSmith((d) => (d['targets'] = { SPY: 0.6, TLT: 0.3, EFA: 0.2 })));
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/InvalidPortfolioFileError: .*targets: .*sum/);
    });

    it('a negative quantity', async () => {
      const run = await planOf(
        withSmith((d) => {
          (d['accounts'] as { lots: { quantity: string }[] }[])[0]!.lots[0]!.quantity = '-5';
        }),
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('accounts[0].lots[0].quantity');
    });

    it('a transaction in an unknown account', async () => {
      const run = await planOf(
        withSmith((d) => {
          (d['transactions'] as { account: string }[])[0]!.account = 'roth-of-nobody';
        }),
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('transactions[0].account');
      expect(run.stderr).toContain('roth-of-nobody');
    });

    it('a NaN price in the prices file', async () => {
      const dir = scratchFiles({ 'prices.csv': 'date,SPY,TLT,EFA\n2016-06-30,NaN,138.9,55.82\n' });
      const run = await planOf(smithJson, path.join(dir, 'prices.csv'));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/line 2: price of SPY "NaN" is not a positive decimal/);
    });

    it('a symbol given twice in the targets', async () => {
      const duplicated = smithJson.replace('"SPY": 0.6, "TLT": 0.3', '"SPY": 0.3, "TLT": 0.3, "SPY": 0.3');
      expect(duplicated).not.toBe(smithJson);
      const run = await planOf(duplicated);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/a key appears twice in the same object \(line \d+, column \d+\)/);
      const yaml = await planOf('id: x\ntargets:\n  SPY: 0.5\n  SPY: 0.5\n', etfPrices, 'yaml');
      expect(yaml.code).toBe(2);
      expect(yaml.stderr).toMatch(/not valid YAML .*unique/i);
    });

    it('a held or targeted symbol without a price on the day', async () => {
      const dir = scratchFiles({ 'prices.csv': 'date,SPY,TLT,EFA\n2016-06-30,209.48,138.9,\n' });
      const run = await planOf(smithJson, path.join(dir, 'prices.csv'));
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('no price for EFA on 2016-06-30');
    });

    it('a file that does not exist, and a date that is not a date', async () => {
      const missing = await ballast(['plan', '--portfolio', 'nowhere.json', '--prices', etfPrices]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('--portfolio nowhere.json: cannot read the file (no such file)');
      const badDate = await ballast([
        'plan',
        '--portfolio',
        path.join(examples, 'smith.json'),
        '--prices',
        etfPrices,
        '--as-of',
        '2016-02-30',
      ]);
      expect(badDate.code).toBe(2);
      expect(badDate.stderr).toContain('--as-of: "2016-02-30" is not a date');
    });

    it('a lot, a transaction or a last rebalance dated after the plan date, each named by its field', async () => {
      const future = withSmith((d) => {
        (d['accounts'] as { lots: { acquired: string }[] }[])[0]!.lots[0]!.acquired = '2016-07-01';
        (d['transactions'] as { date: string }[])[0]!.date = '2016-07-15';
        (d['policy'] as Record<string, unknown>)['lastRebalance'] = '2016-08-01';
      });
      const run = await planOf(future);
      expect([run.code, run.stdout]).toEqual([1, '']);
      expect(run.stderr).toBe(
        "ballast plan: InvalidPortfolioFileError: Invalid portfolio file: accounts[0].lots[0].acquired: 2016-07-01 is after the plan date 2016-06-30 (the file's asOf); " +
          "transactions[0].date: 2016-07-15 is after the plan date 2016-06-30 (the file's asOf); " +
          "policy.lastRebalance: 2016-08-01 is after the plan date 2016-06-30 (the file's asOf)\n",
      );
      // An --as-of before the household's own history: the 2014 lot did not exist in 2010.
      const early = await ballast([
        'plan',
        '--portfolio',
        path.join(examples, 'smith.json'),
        '--prices',
        etfPrices,
        '--as-of',
        '2010-01-04',
      ]);
      expect(early.code).toBe(1);
      expect(early.stderr).toContain(
        'accounts[0].lots[0].acquired: 2014-03-03 is after the plan date 2010-01-04 (--as-of)',
      );
    });

    it('a missing required option', async () => {
      const run = await ballast(['plan', '--prices', etfPrices]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("required option '--portfolio <file>' not specified");
    });
  });
});
