// Property tests (fast-check) of the general-constraint path (HiGHS QP) on seeded random
// covariances: every bound and group bound holds, the weights sum to 1 (0 market neutral), and
// min volatility under groups is no more volatile than the same portfolio class found by the exact
// box QP when the groups do not bind, nor than any random portfolio that satisfies the groups.
import fc from 'fast-check';
import {
  type HighsLike,
  InfeasibleConstraintsError,
  minVolatility,
  optimizeWithConstraints,
  type PortfolioConstraints,
  portfolioPerformance,
} from '../index';
import { loadHighs } from '../testing/highs';
import { randomCovariance, randomReturns, xorshift } from '../testing/random-covariance';

const TOL = 1e-7;
// Each run solves QPs in WebAssembly; on a loaded 2-core machine 40 runs can pass Jest's 5 s default.
jest.setTimeout(30_000);
let highs: HighsLike;
beforeAll(async () => {
  highs = await loadHighs();
});

const problem = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  n: fc.integer({ min: 4, max: 16 }),
  groupCap: fc.constantFrom(0.3, 0.5, 0.7),
  groupFloor: fc.constantFrom(0, 0.1, 0.2),
});

/** Three groups by index modulo 3: the first capped, the second with a floor, the third free. */
function setup(p: { seed: number; n: number; groupCap: number; groupFloor: number }) {
  const symbols = Array.from({ length: p.n }, (_, i) => `S${i}`);
  const members = (g: number): number[] => symbols.flatMap((_, i) => (i % 3 === g ? [i] : []));
  const constraints: PortfolioConstraints = {
    groups: [
      { name: 'capped', members: members(0), lower: -Infinity, upper: p.groupCap },
      { name: 'floored', members: members(1), lower: p.groupFloor, upper: Infinity },
    ],
  };
  return {
    input: {
      symbols,
      covariance: randomCovariance(p.seed, p.n, 2 * p.n + 3),
      expectedReturns: randomReturns(p.seed, p.n),
    },
    constraints,
  };
}

function groupSum(w: Float64Array, members: readonly number[]): number {
  return members.reduce((a, i) => a + (w[i] as number), 0);
}

/** A random long-only portfolio meeting the groups: Dirichlet-like draws rescaled per group budget. */
function randomGroupFeasible(seed: number, n: number, cap: number, floor: number): Float64Array {
  const rand = xorshift(seed);
  const shares = [Math.min(cap, 0.3 * rand()), 0, 0];
  shares[1] = floor + (1 - floor - (shares[0] as number)) * rand();
  shares[2] = 1 - (shares[0] as number) - shares[1];
  const w = new Float64Array(n);
  for (let g = 0; g < 3; g += 1) {
    const idx = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 === g);
    const raw = idx.map(() => 0.01 + rand());
    const total = raw.reduce((a, b) => a + b, 0);
    idx.forEach((i, k) => (w[i] = ((shares[g] as number) * (raw[k] as number)) / total));
  }
  return w;
}

describe('general-constraint properties', () => {
  it('min volatility: bounds, group bounds and budget hold; no random group-feasible portfolio is less volatile', () => {
    fc.assert(
      fc.property(problem, fc.integer({ min: 1, max: 10_000 }), (p, other) => {
        const { input, constraints } = setup(p);
        const r = optimizeWithConstraints(highs, { kind: 'min-volatility' }, input, constraints);
        const groups = constraints.groups ?? [];
        const ok =
          r.weights.every((w) => w >= -TOL && w <= 1 + TOL) &&
          Math.abs(r.weights.reduce((a, b) => a + b, 0) - 1) < TOL &&
          groups.every((g) => {
            const s = groupSum(r.weights, g.members);
            return s <= g.upper + TOL && s >= g.lower - TOL;
          });
        const rival = randomGroupFeasible(other, p.n, p.groupCap, p.groupFloor);
        const better =
          portfolioPerformance(rival, input.covariance).volatility >= r.performance.volatility - 1e-9;
        const unconstrained = minVolatility(input).performance.volatility <= r.performance.volatility + 1e-9;
        return ok && better && unconstrained;
      }),
      { numRuns: 40 },
    );
  });

  it('market neutral max quadratic utility sums to 0 and respects the groups', () => {
    fc.assert(
      fc.property(problem, (p) => {
        const { input, constraints } = setup(p);
        const r = optimizeWithConstraints(
          highs,
          { kind: 'max-quadratic-utility', riskAversion: 2 },
          { ...input, bounds: { lower: -1, upper: 1 } },
          constraints,
          { marketNeutral: true },
        );
        const groups = constraints.groups ?? [];
        return (
          Math.abs(r.weights.reduce((a, b) => a + b, 0)) < TOL &&
          r.weights.every((w) => w >= -1 - TOL && w <= 1 + TOL) &&
          groups.every((g) => {
            const s = groupSum(r.weights, g.members);
            return s <= g.upper + TOL && s >= g.lower - TOL;
          })
        );
      }),
      { numRuns: 30 },
    );
  });

  it('a group floor above what the bounds allow is reported as a conflict, never a portfolio', () => {
    fc.assert(
      fc.property(problem, (p) => {
        const { input } = setup(p);
        const members = [0, 1];
        try {
          optimizeWithConstraints(
            highs,
            { kind: 'min-volatility' },
            { ...input, bounds: { lower: 0, upper: 0.4 } },
            {
              groups: [{ name: 'pair', members, lower: 0.9, upper: 1 }],
            },
          );
          return false;
        } catch (error) {
          return (
            error instanceof InfeasibleConstraintsError &&
            error.message ===
              'infeasible constraints: the weight bounds + group pair in [0.9, 1] cannot hold together'
          );
        }
      }),
      { numRuns: 20 },
    );
  });
});
