import { InvalidTargetPolicyError, parseTargetPolicy } from './target-policy';

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
    expect(() => parseTargetPolicy({ objective: 'max-return' })).toThrow(InvalidTargetPolicyError);
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
