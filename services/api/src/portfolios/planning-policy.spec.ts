import { BadRequestException } from '@nestjs/common';
import { type PortfolioStatePayload } from '@ballast/contracts';
import { assertPlanningPolicy } from './planning-policy';

const base: PortfolioStatePayload = {
  portfolioId: '0b6f1a9e-5c1d-4f3e-9a2b-7c8d9e0f1a2b',
  householdId: 'h1',
  name: 'Test',
  baseCurrency: 'USD',
  version: 1,
  accounts: [{ accountId: 'taxable', name: 'Taxable', type: 'taxable', cash: '100', positions: [] }],
  targets: [
    { symbol: 'SPY', weight: 0.6 },
    { symbol: 'TLT', weight: 0.4 },
  ],
  policy: { absoluteBandBps: 500 },
  updatedAt: '2026-03-02T15:00:00.000Z',
};

function issuesOf(state: PortfolioStatePayload): { path: string; message: string }[] {
  try {
    assertPlanningPolicy(state);
  } catch (error) {
    if (error instanceof BadRequestException)
      return (error.getResponse() as { issues: { path: string; message: string }[] }).issues;
    throw error;
  }
  return [];
}

describe('assertPlanningPolicy (the ballast plan portfolio-file parser)', () => {
  it('accepts no planning policy, and a valid one', () => {
    expect(issuesOf(base)).toEqual([]);
    expect(
      issuesOf({ ...base, planningPolicy: { mode: 'band', cooldownDays: 30 }, sleeves: { equity: ['SPY'] } }),
    ).toEqual([]);
  });

  it('names every bad field as the client sent it', () => {
    const issues = issuesOf({ ...base, planningPolicy: { cooldownDays: -1, surprise: true } });
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'planningPolicy.cooldownDays',
      'planningPolicy.surprise',
    ]);
  });

  it('checks sleeves too', () => {
    expect(issuesOf({ ...base, sleeves: { equity: 'SPY' } }).map((issue) => issue.path)[0]).toMatch(
      /^sleeves/,
    );
  });
});

describe('assertPlanningPolicy and the service-owned fields', () => {
  it("accepts the optimizer's targets, the tax service's approval, the monitor's adaptive bands and risk limits", () => {
    expect(
      issuesOf({
        ...base,
        planningPolicy: {
          mode: 'band',
          targets: { objective: 'min-volatility', lookbackDays: 252 },
          approval: { thresholdValue: '5000', fourEyesValue: '50000', expiresAfterMinutes: 60 },
          adaptiveBands: { benchmark: 'SPY' },
          riskLimits: { maxDrawdown: 0.2 },
        },
      }),
    ).toEqual([]);
  });

  it('names a bad service field and a bad portfolio-file field together', () => {
    const issues = issuesOf({
      ...base,
      planningPolicy: {
        cooldownDays: -1,
        approval: { thresholdValue: '5000', fourEyesValue: '100' },
        riskLimits: 0.2,
      },
    });
    expect(issues.map((issue) => issue.path)).toEqual([
      'planningPolicy.approval.fourEyesValue',
      'planningPolicy.riskLimits',
      'planningPolicy.cooldownDays',
    ]);
  });
});
