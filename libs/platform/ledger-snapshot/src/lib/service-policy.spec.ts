import {
  InvalidServicePolicyError,
  parseApprovalPolicy,
  parseTargetPolicy,
  servicePolicyIssues,
} from './service-policy';

const defaults = { thresholdValue: '10000', fourEyesValue: '100000', expiresAfterMinutes: 1_440 };

describe('parseTargetPolicy', () => {
  it('is the fixed model when absent', () => {
    expect(parseTargetPolicy(undefined)).toEqual({ model: 'fixed' });
    expect(parseTargetPolicy({ model: 'fixed' })).toEqual({ model: 'fixed' });
  });

  it('fills the defaults of an objective', () => {
    expect(parseTargetPolicy({ objective: 'min-volatility' })).toEqual({
      objective: 'min-volatility',
      lookbackDays: 252,
      riskFreeRate: 0.02,
      minWeight: 0,
      maxWeight: 1,
    });
  });

  it('names the bad field', () => {
    expect(() => parseTargetPolicy({ objective: 'max-return' })).toThrow(InvalidServicePolicyError);
    expect(() => parseTargetPolicy({ objective: 'max-return' })).toThrow(
      /planningPolicy\.targets\.objective/,
    );
    expect(() => parseTargetPolicy({ objective: 'max-sharpe', lookbackDays: 5 })).toThrow(
      /planningPolicy\.targets\.lookbackDays/,
    );
    expect(() => parseTargetPolicy({ objective: 'max-sharpe', minWeight: 0.6, maxWeight: 0.5 })).toThrow(
      'planningPolicy.targets.minWeight: must not exceed maxWeight',
    );
  });
});

describe('parseApprovalPolicy', () => {
  it('takes the defaults for the fields left out', () => {
    expect(parseApprovalPolicy(undefined, defaults)).toEqual(defaults);
    expect(parseApprovalPolicy({ thresholdValue: '5000' }, defaults)).toEqual({
      ...defaults,
      thresholdValue: '5000',
    });
  });

  it('names a bad field, and a four-eyes value below the threshold (compared exactly)', () => {
    expect(() => parseApprovalPolicy({ thresholdValue: 'lots' }, defaults)).toThrow(
      /planningPolicy\.approval\.thresholdValue/,
    );
    expect(() => parseApprovalPolicy({ expiresAfterMinutes: 0 }, defaults)).toThrow(
      /planningPolicy\.approval\.expiresAfterMinutes/,
    );
    expect(() =>
      parseApprovalPolicy({ thresholdValue: '1000.5', fourEyesValue: '1000.49' }, defaults),
    ).toThrow('planningPolicy.approval.fourEyesValue: 1000.49 is below thresholdValue 1000.5');
    expect(
      parseApprovalPolicy({ thresholdValue: '1000.5', fourEyesValue: '1000.50' }, defaults).fourEyesValue,
    ).toBe('1000.50');
  });
});

describe('servicePolicyIssues', () => {
  it('lists every problem of both fields for a writer to refuse, and none for good or absent ones', () => {
    expect(servicePolicyIssues(undefined)).toEqual([]);
    expect(
      servicePolicyIssues({ targets: { objective: 'min-volatility' }, approval: { thresholdValue: '5000' } }),
    ).toEqual([]);
    expect(
      servicePolicyIssues({
        targets: { objective: 'hope' },
        approval: { thresholdValue: '5', fourEyesValue: '4' },
      }),
    ).toEqual([
      { path: 'planningPolicy.targets.objective', message: 'must be one of min-volatility, max-sharpe' },
      { path: 'planningPolicy.approval.fourEyesValue', message: '4 is below thresholdValue 5' },
    ]);
  });
});
