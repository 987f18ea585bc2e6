import {
  DEFAULT_TAX_POLICY,
  identityOf,
  InvalidTaxPolicyError,
  lotMethodOf,
  parseTaxPolicy,
} from './tax-policy';

const context = {
  accountIds: ['brokerage', 'ira'],
  symbols: ['VTI', 'ITOT', 'SCHB', 'VOO', 'IVV', 'SPY', 'BND', 'AGG'],
};
const issuesOf = (raw: unknown) => {
  try {
    parseTaxPolicy(raw, context);
  } catch (error) {
    if (error instanceof InvalidTaxPolicyError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
};

describe('parseTaxPolicy', () => {
  it('fills in the documented defaults', () => {
    expect(parseTaxPolicy(undefined, context)).toEqual(DEFAULT_TAX_POLICY);
    expect(parseTaxPolicy({ bands: { absolute: 0.05 } }, context)).toEqual(DEFAULT_TAX_POLICY);
    expect(DEFAULT_TAX_POLICY).toMatchObject({
      defaultLotMethod: 'fifo',
      lossLimit: '3000',
      taxRates: { shortTerm: 0.24, longTerm: 0.15, state: 0 },
      harvest: { minLossPct: 0.05, minLossAmount: '100' },
      avoidShortTermDays: 30,
    });
  });

  it('reads every field', () => {
    const policy = parseTaxPolicy(
      {
        lotMethod: { default: 'hifo', ira: 'fifo' },
        taxRates: { shortTerm: 0.35, longTerm: 0.2, state: 0.093 },
        lossLimit: 1500,
        carryForward: { shortTerm: '1200.50', longTerm: 0 },
        harvest: { minLossPct: 0.1, minLossAmount: '250' },
        identical: [
          ['voo', 'IVV', 'SPY'],
          ['BND', 'AGG'],
        ],
        substitutes: { VTI: ['ITOT', 'SCHB'], VOO: 'VTI' },
        gainsBudget: { tax: '1200', prorate: true },
        avoidShortTermDays: 45,
      },
      context,
    );
    expect(lotMethodOf(policy, 'ira')).toBe('fifo');
    expect(lotMethodOf(policy, 'brokerage')).toBe('hifo');
    expect(policy.taxRates).toEqual({ shortTerm: 0.35, longTerm: 0.2, state: 0.093 });
    expect([policy.lossLimit, policy.carryForward]).toEqual(['1500', { shortTerm: '1200.5', longTerm: '0' }]);
    expect(policy.identical).toEqual([
      ['VOO', 'IVV', 'SPY'],
      ['BND', 'AGG'],
    ]);
    expect([...policy.substitutes]).toEqual([
      ['VTI', ['ITOT', 'SCHB']],
      ['VOO', ['VTI']],
    ]);
    expect(policy.gainsBudget).toEqual({ kind: 'tax', amount: '1200', prorate: true });
    expect(policy.avoidShortTermDays).toBe(45);
    const key = identityOf(policy);
    expect([key('SPY'), key('ivv'), key('VTI')]).toEqual(['VOO', 'VOO', 'VTI']);
    expect(parseTaxPolicy({ lotMethod: 'tax-minimizing', gainsBudget: '5000' }, context)).toMatchObject({
      defaultLotMethod: 'tax-minimizing',
      gainsBudget: { kind: 'realized-gains', amount: '5000', prorate: false },
    });
  });

  it('rejects an identical group naming an unknown symbol, by its path', () => {
    expect(
      issuesOf({
        identical: [
          ['VOO', 'IVV'],
          ['XYZZ', 'BND'],
        ],
      }),
    ).toEqual([
      "policy.identical[1][0]: unknown symbol XYZZ: not in the household's lots, transactions, targets or prices",
    ]);
  });

  it('rejects a substitute that the policy marks identical, and a substitute for itself', () => {
    expect(issuesOf({ identical: [['VOO', 'IVV']], substitutes: { VOO: ['VTI', 'IVV'] } })).toEqual([
      'policy.substitutes.VOO[1]: IVV is marked substantially identical to VOO in identical; buying it would be a wash sale',
    ]);
    expect(issuesOf({ substitutes: { VTI: 'VTI' } })).toEqual([
      'policy.substitutes.VTI: VTI cannot substitute for itself',
    ]);
  });

  it('names every other bad field', () => {
    expect(
      issuesOf({
        lotMethod: { taxable: 'fifo', ira: 'average' },
        taxRates: { shortTerm: 37, federal: 0.2 },
        lossLimit: '-3000',
        carryForward: 'lots',
        harvest: { minLossPct: 'NaN' },
        identical: [['VOO'], ['IVV', 'VOO']],
        gainsBudget: { realizedGains: '1', tax: '2' },
        avoidShortTermDays: 2.5,
      }),
    ).toEqual([
      'policy.lotMethod.taxable: unknown account "taxable"; accounts are brokerage, ira (or "default")',
      'policy.lotMethod.ira: expected one of fifo, lifo, hifo, lowest-cost, specific, tax-minimizing, got "average"',
      'policy.taxRates.federal: unknown field; expected one of shortTerm, longTerm, state',
      'policy.taxRates.shortTerm: expected a fraction from 0 to 1 (0.05 for 5%), got number 37',
      'policy.lossLimit: must not be negative, got "-3000"',
      'policy.carryForward: expected an object, got "lots"',
      'policy.harvest.minLossPct: expected a fraction from 0 to 1 (0.05 for 5%), got "NaN"',
      'policy.identical[0]: a group names at least two symbols',
      'policy.identical[1][1]: VOO is already in policy.identical[0]; merge the groups (being identical is transitive)',
      'policy.gainsBudget: give exactly one of realizedGains or tax',
      'policy.avoidShortTermDays: expected a whole number of days from 0 to 366, got number 2.5',
    ]);
    expect(() => parseTaxPolicy([], context)).toThrow('policy: expected an object, got a list');
    expect(() => parseTaxPolicy({ lossLimit: 'x' }, { ...context, path: 'policy.tax' })).toThrow(
      'policy.tax.lossLimit: expected a decimal amount',
    );
  });
});
