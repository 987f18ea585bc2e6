import { InvalidPortfolioFileError, accountHoldings, parsePortfolioFile } from './portfolio-file';

/** The example household of issue 3, as a person would write it. */
function example(): Record<string, unknown> {
  return {
    id: 'smith',
    asOf: '2016-06-30',
    accounts: [
      {
        id: 'taxable',
        type: 'taxable',
        cash: '2500.00',
        lots: [{ symbol: 'SPY', quantity: '120', costBasis: '16200.00', acquired: '2014-03-03' }],
      },
      { id: 'ira', type: 'traditional', cash: '100.00', lots: [] },
    ],
    transactions: [
      { account: 'ira', symbol: 'EFA', side: 'buy', quantity: '10', price: '55.00', date: '2016-06-20' },
    ],
    targets: { SPY: 0.6, TLT: 0.3, EFA: 0.1 },
    policy: {
      bands: { absolute: 0.05, relative: 0.25 },
      mode: 'full',
      wholeShares: true,
      minTradeValue: '100',
      cashBuffer: 0.005,
      maxTurnover: 1.0,
      costs: { commission: '0', spreadBps: 2 },
      restrictions: { doNotSell: [], doNotBuy: [], halted: [] },
      cashFlow: '0',
    },
  };
}

function issuesOf(input: unknown): { path: string; code: string; message: string }[] {
  try {
    parsePortfolioFile(input);
  } catch (error) {
    if (error instanceof InvalidPortfolioFileError) return [...error.issues];
    throw error;
  }
  throw new Error('expected InvalidPortfolioFileError');
}

describe('parsePortfolioFile', () => {
  it('reads the example of issue 3, normalising decimals and sorting targets', () => {
    const file = parsePortfolioFile(example());
    expect(file.accounts[0]).toEqual({
      id: 'taxable',
      type: 'taxable',
      cash: '2500',
      lots: [{ symbol: 'SPY', quantity: '120', costBasis: '16200', acquired: '2014-03-03' }],
    });
    expect(file.targets).toEqual([
      { symbol: 'EFA', weight: 0.1 },
      { symbol: 'SPY', weight: 0.6 },
      { symbol: 'TLT', weight: 0.3 },
    ]);
    expect(file.policy.cashFlowAccount).toBe('taxable');
    expect(file.policy.costs).toEqual({ commission: '0', spreadBps: 2 });
  });

  it('fills defaults for a minimal file', () => {
    const file = parsePortfolioFile({
      id: 'x',
      accounts: [{ id: 'a', type: 'roth', cash: 10 }],
      targets: { VTI: 1 },
    });
    expect(file.policy).toMatchObject({
      mode: 'full',
      wholeShares: true,
      minTradeValue: '0',
      cashBuffer: 0,
      maxTurnover: null,
      bands: { absolute: null, relative: null },
      cashFlow: '0',
    });
    expect(file.asOf).toBeNull();
    expect(file.accounts[0]?.cash).toBe('10');
  });

  it('rejects weights that do not sum to 1, naming the targets field', () => {
    const input = { ...example(), targets: { SPY: 0.6, TLT: 0.3 } };
    expect(issuesOf(input)).toEqual([
      {
        path: 'targets',
        code: 'weights-sum',
        message: 'weights must sum to 1 (within 1e-9), they sum to 0.8999999999999999',
      },
    ]);
    expect(() => parsePortfolioFile(input)).toThrow(
      'Invalid portfolio file: targets: weights must sum to 1 (within 1e-9), they sum to 0.8999999999999999',
    );
  });

  it('rejects a negative lot quantity, naming its path', () => {
    const input = example();
    (input['accounts'] as { lots: { quantity: string }[] }[])[0]!.lots[0]!.quantity = '-5';
    expect(issuesOf(input)).toEqual([
      {
        path: 'accounts[0].lots[0].quantity',
        code: 'negative-quantity',
        message: 'must not be negative, got "-5"',
      },
    ]);
  });

  it('rejects a transaction in an unknown account', () => {
    const input = {
      ...example(),
      transactions: [
        { account: 'hsa', symbol: 'EFA', side: 'buy', quantity: '1', price: '50', date: '2016-06-20' },
      ],
    };
    expect(issuesOf(input)).toEqual([
      {
        path: 'transactions[0].account',
        code: 'unknown-account',
        message: 'unknown account "hsa"; accounts are taxable, ira',
      },
    ]);
  });

  it('rejects a NaN price, as a string (JSON) or a number (YAML .nan)', () => {
    for (const price of ['NaN', Number.NaN]) {
      const input = {
        ...example(),
        transactions: [
          { account: 'ira', symbol: 'EFA', side: 'buy', quantity: '1', price, date: '2016-06-20' },
        ],
      };
      expect(issuesOf(input)).toEqual([
        expect.objectContaining({ path: 'transactions[0].price', code: 'invalid-decimal' }),
      ]);
    }
  });

  it('rejects a duplicate symbol in the targets, in list form and by case in map form', () => {
    const list = {
      ...example(),
      targets: [
        { symbol: 'SPY', weight: 0.5 },
        { symbol: 'SPY', weight: 0.5 },
      ],
    };
    expect(issuesOf(list)).toEqual([
      {
        path: 'targets[1]',
        code: 'duplicate-symbol',
        message: 'duplicate symbol SPY, already at targets[0]',
      },
    ]);
    const map = { ...example(), targets: { SPY: 0.5, spy: 0.5 } };
    expect(issuesOf(map)).toEqual([
      {
        path: 'targets.spy',
        code: 'duplicate-symbol',
        message: 'duplicate symbol SPY, already at targets.SPY',
      },
    ]);
  });

  it('rejects a duplicate account id, an unknown field and a bad policy value all at once', () => {
    const input = example();
    (input['accounts'] as { id: string }[])[1]!.id = 'taxable';
    (input['policy'] as Record<string, unknown>)['cashbuffer'] = 0.01;
    (input['policy'] as Record<string, unknown>)['mode'] = 'sometimes';
    expect(issuesOf(input).map((issue) => `${issue.path} ${issue.code}`)).toEqual([
      'accounts[1].id duplicate-account',
      'transactions[0].account unknown-account',
      'policy.cashbuffer unknown-field',
      'policy.mode invalid-value',
    ]);
  });

  it('reads sleeve-form targets, per-symbol band overrides that inherit, a calendar and the tax fields', () => {
    const input = example();
    input['targets'] = {
      sleeves: {
        equity: { weight: 0.7, symbols: { SPY: 0.5, EFA: 0.5 } },
        bonds: { weight: 0.3, symbols: { TLT: 1 } },
      },
    };
    input['policy'] = {
      ...(input['policy'] as Record<string, unknown>),
      bands: {
        absolute: 0.05,
        relative: 0.25,
        symbols: { efa: { relative: null } },
        sleeves: { bonds: { absolute: 0.03 } },
      },
      calendar: { frequency: 'quarterly', day: 15 },
      lastRebalance: '2016-04-15',
      cooldownDays: 20,
      lotMethod: 'hifo',
      taxRates: { shortTerm: 0.32, longTerm: 0.15 },
    };
    const file = parsePortfolioFile(input);
    expect(file.targets.map((t) => [t.symbol, t.weight])).toEqual([
      ['EFA', 0.35],
      ['SPY', 0.35],
      ['TLT', 0.3],
    ]);
    expect(file.sleeves).toEqual([
      { name: 'equity', symbols: ['EFA', 'SPY'] },
      { name: 'bonds', symbols: ['TLT'] },
    ]);
    expect(file.policy.bands.symbols).toEqual({ EFA: { absolute: 0.05, relative: null } });
    expect(file.policy.bands.sleeves).toEqual({ bonds: { absolute: 0.03, relative: 0.25 } });
    expect(file.policy.calendar).toEqual({ frequency: 'quarterly', day: 15 });
    expect([file.policy.lastRebalance, file.policy.cooldownDays]).toEqual(['2016-04-15', 20]);
    expect(file.policy.tax).toEqual({ lotMethod: 'hifo', taxRates: { shortTerm: 0.32, longTerm: 0.15 } });
  });

  it('rejects bad planner policy fields and sleeves, naming each', () => {
    const input = example();
    input['targets'] = { sleeves: { equity: { weight: 1, symbols: { SPY: 0.6, EFA: 0.3 } } } };
    input['sleeves'] = { other: ['TLT'] };
    input['policy'] = {
      ...(input['policy'] as Record<string, unknown>),
      bands: { absolute: 0.05, sleeves: { nowhere: { absolute: 0.1 } } },
      bandTarget: 'middle',
      partialSymbols: 0,
      calendar: { frequency: 'weekly', day: 32 },
      cooldownDays: -1,
      benefitCost: { driftCostBps: 0 },
    };
    expect(issuesOf(input).map((issue) => `${issue.path} ${issue.code}`)).toEqual([
      // The shares sum to 0.9, and so do the symbol weights they make.
      'targets.sleeves.equity.symbols weights-sum',
      'targets weights-sum',
      'sleeves invalid-value',
      'policy.bandTarget invalid-value',
      'policy.partialSymbols invalid-value',
      'policy.calendar.frequency invalid-value',
      'policy.calendar.day invalid-value',
      'policy.cooldownDays invalid-value',
      'policy.benefitCost.driftCostBps invalid-value',
      'policy.bands.sleeves.nowhere invalid-value',
    ]);
  });

  it('rejects an impossible date and an empty household', () => {
    expect(issuesOf({ id: 'x', asOf: '2016-02-30', accounts: [], targets: { A: 1 } })).toEqual([
      { path: 'asOf', code: 'invalid-date', message: 'expected a date YYYY-MM-DD, got "2016-02-30"' },
      { path: 'accounts', code: 'required', message: 'a household has at least one account' },
    ]);
    expect(issuesOf('not an object')).toEqual([
      { path: '$', code: 'wrong-type', message: 'expected an object, got "not an object"' },
    ]);
  });
});

describe('accountHoldings', () => {
  it('sums lots per symbol exactly and sorts by symbol', () => {
    const file = parsePortfolioFile({
      id: 'x',
      accounts: [
        {
          id: 'a',
          type: 'taxable',
          cash: '1.5',
          lots: [
            { symbol: 'VTI', quantity: '0.1', costBasis: '1', acquired: '2020-01-01' },
            { symbol: 'AGG', quantity: '3', costBasis: '1', acquired: '2020-01-01' },
            { symbol: 'VTI', quantity: '0.2', costBasis: '1', acquired: '2021-01-01' },
          ],
        },
      ],
      targets: { VTI: 1 },
    });
    expect(accountHoldings(file.accounts[0]!)).toEqual({
      cash: '1.5',
      positions: [
        { symbol: 'AGG', quantity: '3' },
        { symbol: 'VTI', quantity: '0.3' },
      ],
    });
  });
});
