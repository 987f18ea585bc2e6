// Property tests (fast-check) of the mean-variance objectives on seeded random covariances:
// feasibility (bounds, budget), optimality (KKT residuals; min volatility beats any feasible
// random portfolio), and monotonicity of the frontier.
import fc from 'fast-check';
import {
  boxQpKktResiduals,
  efficientReturn,
  maxQuadraticUtility,
  maxSharpe,
  minVolatility,
  portfolioPerformance,
  solveBoxQp,
} from '../index';
import { randomCovariance, randomReturns, xorshift } from '../testing/random-covariance';

const TOL = 1e-10;

const problem = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  n: fc.integer({ min: 2, max: 25 }),
  lower: fc.constantFrom(0, -0.2, -1),
  upper: fc.constantFrom(0.3, 0.5, 1),
});

function input(p: { seed: number; n: number; lower: number; upper: number }) {
  const symbols = Array.from({ length: p.n }, (_, i) => `S${i}`);
  return {
    symbols,
    covariance: randomCovariance(p.seed, p.n, 2 * p.n + 3),
    expectedReturns: randomReturns(p.seed, p.n),
    bounds: { lower: p.lower, upper: Math.max(p.upper, 1.5 / p.n) },
  };
}

/** A random feasible portfolio: a random point of the box pushed onto Σw = 1 by clipping. */
function randomFeasible(seed: number, n: number, lo: number, hi: number): Float64Array {
  const rand = xorshift(seed);
  const w = Float64Array.from({ length: n }, () => lo + (hi - lo) * rand());
  // Bisection on the shift λ so that Σ clip(w - λ) = 1.
  let a = -2 - hi;
  let b = 2 + hi;
  for (let k = 0; k < 200; k += 1) {
    const mid = (a + b) / 2;
    const s = w.reduce((acc, v) => acc + Math.min(hi, Math.max(lo, v - mid)), 0);
    if (s > 1) a = mid;
    else b = mid;
  }
  return w.map((v) => Math.min(hi, Math.max(lo, v - (a + b) / 2)));
}

describe('mean-variance properties', () => {
  it('min volatility: within bounds, sums to 1, and no random feasible portfolio is less volatile', () => {
    fc.assert(
      fc.property(problem, fc.integer({ min: 1, max: 1000 }), (p, other) => {
        const inp = input(p);
        const r = minVolatility(inp);
        const hi = inp.bounds.upper;
        const inBounds = r.weights.every((w) => w >= p.lower - TOL && w <= hi + TOL);
        const sums = Math.abs(r.weights.reduce((a, b) => a + b, 0) - 1) < TOL;
        const rival = randomFeasible(other, p.n, p.lower, hi);
        const rivalVol = portfolioPerformance(rival, inp.covariance).volatility;
        return inBounds && sums && r.performance.volatility <= rivalVol + 1e-12;
      }),
      { numRuns: 200 },
    );
  });

  it('the active-set QP meets the KKT conditions to 1e-10', () => {
    fc.assert(
      fc.property(problem, (p) => {
        const inp = input(p);
        const n = p.n;
        const qp = {
          n,
          q: inp.covariance.map((v) => 2 * v),
          c: inp.expectedReturns.map((v) => -v),
          a: new Float64Array(n).fill(1),
          b: 1,
          lower: new Float64Array(n).fill(p.lower),
          upper: new Float64Array(n).fill(inp.bounds.upper),
        };
        const sol = solveBoxQp(qp);
        const kkt = boxQpKktResiduals(qp, sol.x, sol.nu);
        return kkt.primal < TOL && kkt.stationarity < TOL && kkt.dual < TOL;
      }),
      { numRuns: 200 },
    );
  });

  it('market-neutral quadratic utility sums to 0 within bounds', () => {
    fc.assert(
      fc.property(problem, (p) => {
        const inp = { ...input(p), bounds: { lower: -1, upper: 1 } };
        const r = maxQuadraticUtility(inp, { marketNeutral: true });
        return (
          Math.abs(r.weights.reduce((a, b) => a + b, 0)) < TOL &&
          r.weights.every((w) => w >= -1 - TOL && w <= 1 + TOL)
        );
      }),
      { numRuns: 100 },
    );
  });

  it('long-only max Sharpe beats min volatility and every quadratic-utility portfolio in Sharpe ratio', () => {
    fc.assert(
      fc.property(problem, fc.constantFrom(0.5, 1, 3, 10), (p, delta) => {
        const inp = { ...input(p), bounds: { lower: 0, upper: 1 } };
        if (!inp.expectedReturns.some((m) => m > 0.02)) return true;
        const best = maxSharpe(inp).performance.sharpe as number;
        const others = [minVolatility(inp), maxQuadraticUtility(inp, { riskAversion: delta })];
        return others.every((o) => (o.performance.sharpe as number) <= best + 1e-9);
      }),
      { numRuns: 100 },
    );
  });

  it('the frontier is monotone: a higher target return never costs less volatility', () => {
    fc.assert(
      fc.property(problem, (p) => {
        const inp = { ...input(p), bounds: { lower: 0, upper: 1 } };
        const minVol = minVolatility(inp).performance.expectedReturn as number;
        const maxRet = Math.max(...inp.expectedReturns);
        const targets = [0.25, 0.5, 0.75].map((f) => minVol + f * (maxRet - minVol));
        const vols = targets.map((t) => efficientReturn(inp, t).performance.volatility);
        return vols.every((v, i) => i === 0 || v >= (vols[i - 1] as number) - 1e-12);
      }),
      { numRuns: 100 },
    );
  });
});
