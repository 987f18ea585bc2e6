import { estimatesFromHistory, InsufficientHistoryError, objectiveWeights } from './estimates';

/** Two symbols over 30 days: A moves 1% up and down, B 0.2%; C has a date of its own. */
function bars() {
  const out: { symbol: string; date: string; close: string }[] = [];
  let a = 100;
  let b = 50;
  for (let day = 1; day <= 30; day += 1) {
    const date = `2024-01-${String(day).padStart(2, '0')}`;
    a *= day % 2 === 0 ? 1.01 : 0.99;
    b *= day % 2 === 0 ? 1.002 : 0.999;
    out.push({ symbol: 'A', date, close: a.toFixed(4) }, { symbol: 'B', date, close: b.toFixed(4) });
  }
  out.push({ symbol: 'A', date: '2024-02-01', close: '101' }); // B has no close that day: not a common date
  return out;
}

describe('estimatesFromHistory', () => {
  it('uses the last lookbackDays + 1 common closes', () => {
    const estimates = estimatesFromHistory(['A', 'B'], bars(), 20);
    expect(estimates.observations).toBe(20);
    expect(estimates.from).toBe('2024-01-10');
    expect(estimates.to).toBe('2024-01-30');
    expect(estimates.covariance).toHaveLength(4);
    // Symmetric, positive variances; A is the more volatile.
    expect(estimates.covariance[1]).toBeCloseTo(estimates.covariance[2] as number, 15);
    expect(estimates.covariance[0]).toBeGreaterThan(estimates.covariance[3] as number);
  });

  it('says which symbol has no history and how short the history is', () => {
    expect(() => estimatesFromHistory(['A', 'C'], bars(), 20)).toThrow('no history for C');
    expect(() => estimatesFromHistory(['A', 'B'], bars(), 40)).toThrow(InsufficientHistoryError);
    expect(() => estimatesFromHistory(['A', 'B'], bars(), 40)).toThrow(/history has 30/);
  });
});

describe('objectiveWeights', () => {
  it('min-volatility leans on the quieter symbol, weights sum to 1 within 1e-12 and respect the bounds', () => {
    const estimates = estimatesFromHistory(['A', 'B'], bars(), 20);
    const weights = objectiveWeights(estimates, {
      objective: 'min-volatility',
      lookbackDays: 20,
      riskFreeRate: 0.02,
      minWeight: 0,
      maxWeight: 0.9,
    });
    const sum = weights.reduce((total, w) => total + w.weight, 0);
    expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
    const b = weights.find((w) => w.symbol === 'B')?.weight ?? 0;
    expect(b).toBeGreaterThan(0.5);
    expect(b).toBeLessThanOrEqual(0.9 + 1e-9);
  });
});
