import fc from 'fast-check';
import { Decimal, type PortfolioFile } from '@ballast/domain-portfolio';
import { type LinearSolver } from './linear-program';
import { planRebalance, type RebalancePlan } from './plan';
import { PlannerError } from './errors';
import { loadHighsSolver } from '../testing/highs';
import { build, householdArb } from '../testing/property-households';

function held(portfolio: PortfolioFile, account: string, symbol: string): Decimal {
  const lots = portfolio.accounts.find((a) => a.id === account)?.lots ?? [];
  return lots
    .filter((lot) => lot.symbol === symbol)
    .reduce((sum, lot) => sum.plus(lot.quantity), new Decimal(0));
}

/** Plans, or returns the named error when the policy is infeasible (then nothing else is asserted). */
function planOrError(solver: LinearSolver, input: ReturnType<typeof build>): RebalancePlan | undefined {
  try {
    return planRebalance({ ...input, asOf: '2016-06-30' }, solver);
  } catch (error) {
    if (
      error instanceof PlannerError ||
      (error instanceof Error && error.name === 'NonPositivePortfolioValueError')
    ) {
      return undefined;
    }
    throw error;
  }
}

describe('planRebalance properties over random small households', () => {
  let solver: LinearSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  it('keeps every constraint of the policy, and value before = value after + costs exactly', () => {
    fc.assert(
      fc.property(householdArb, (h) => {
        const input = build(h);
        const { portfolio } = input;
        const plan = planOrError(solver, input);
        if (plan === undefined) return;
        const policy = portfolio.policy;

        // Cash never below the buffer, exactly, in every account that started at or above it.
        plan.after.accounts.forEach((account, index) => {
          const start = plan.value.accounts[index];
          const startedAbove = new Decimal(start?.cash ?? '0').gte(
            new Decimal(start?.value ?? '0').times(String(policy.cashBuffer)),
          );
          if (startedAbove || plan.orders.length > 0) {
            expect(
              new Decimal(account.cash).gte(new Decimal(account.value).times(String(policy.cashBuffer))),
            ).toBe(true);
          }
        });
        for (const order of plan.orders) {
          // No sale beyond holdings (summed over the account's lots).
          if (order.side === 'sell') {
            expect(new Decimal(order.quantity).lte(held(portfolio, order.account, order.symbol))).toBe(true);
          }
          // Whole shares when asked.
          if (policy.wholeShares) expect(new Decimal(order.quantity).isInteger()).toBe(true);
          // Restricted symbols untouched.
          expect(policy.restrictions.halted).not.toContain(order.symbol);
          if (order.side === 'buy') expect(policy.restrictions.doNotBuy).not.toContain(order.symbol);
          if (order.side === 'sell') expect(policy.restrictions.doNotSell).not.toContain(order.symbol);
          // Minimum trade value.
          expect(new Decimal(order.estimatedValue).gte(policy.minTradeValue)).toBe(true);
        }
        // One order per account, symbol and side; sells before buys within each account.
        const keys = plan.orders.map((o) => `${o.account}/${o.symbol}/${o.side}`);
        expect(new Set(keys).size).toBe(keys.length);
        const sides = plan.orders.map((o) => `${o.account}:${o.side}`);
        plan.after.accounts.forEach(({ account }) => {
          const mine = sides.filter((s) => s.startsWith(`${account}:`));
          expect(mine).toEqual(
            [...mine].sort((a, b) =>
              a.endsWith('sell') === b.endsWith('sell') ? 0 : a.endsWith('sell') ? -1 : 1,
            ),
          );
        });
        // Costs recomputed from the orders, and value conservation, exactly.
        const traded = plan.orders.reduce((sum, o) => sum.plus(o.estimatedValue), new Decimal(0));
        const spread = traded.times(policy.costs.spreadBps).dividedBy(10_000);
        const commission = new Decimal(policy.costs.commission).times(plan.orders.length);
        expect(new Decimal(plan.costs.total).eq(spread.plus(commission))).toBe(true);
        expect(new Decimal(plan.after.total).plus(plan.costs.total).eq(plan.value.total)).toBe(true);
        // Turnover within the cap (a millionth of slack for the solver's feasibility tolerance).
        if (policy.maxTurnover !== null) expect(plan.turnover).toBeLessThanOrEqual(policy.maxTurnover + 1e-6);
        // Band mode: every out-of-band holding moves toward its target, never away.
        // (A plan that only a cash flow or a buffer calls for may sell an underweight holding for cash.)
        const obligationsOnly = plan.triggers.every(
          (t) => t.kind === 'cash-flow' || t.kind === 'cash-buffer',
        );
        if (policy.mode === 'band') {
          // The model measures weights against the value before costs (which keeps it linear); an
          // untraded holding's weight then rises by its weight × costs / value after, which is the slack.
          const costShare = new Decimal(plan.costs.total).dividedBy(plan.after.total).toNumber();
          for (const row of plan.drift.rows) {
            const after = plan.after.weights.find((w) => w.symbol === row.symbol);
            if (row.outOfBand && after !== undefined && !obligationsOnly) {
              expect(Math.abs(after.weight - after.targetWeight)).toBeLessThanOrEqual(
                Math.abs(row.drift) + after.weight * costShare + 1e-9,
              );
            }
          }
          // In-band holdings are not traded, unless only a cash flow or a buffer called for the plan,
          // or sold in an account that started under its buffer (which out-of-band sales may not
          // be able to fund: `bufferOnly` in plan.ts).
          const inBand = new Set(plan.drift.rows.filter((row) => !row.outOfBand).map((row) => row.symbol));
          const underBuffer = new Set(
            plan.triggers.flatMap((t) => (t.kind === 'cash-buffer' ? [t.account] : [])),
          );
          if (!obligationsOnly) {
            expect(
              plan.orders.filter(
                (o) => inBand.has(o.symbol) && !(o.side === 'sell' && underBuffer.has(o.account)),
              ),
            ).toEqual([]);
          }
        }
        // Cash-flow mode trades one way: a deposit only buys, a withdrawal only sells; an account
        // under its cash buffer only sells whatever the direction.
        if (policy.mode === 'cash-flow') {
          const deposit = new Decimal(policy.cashFlow).gt(0);
          const underBuffer = new Set(
            plan.triggers.flatMap((t) => (t.kind === 'cash-buffer' ? [t.account] : [])),
          );
          expect(
            plan.orders.filter((o) =>
              deposit && !underBuffer.has(o.account) ? o.side === 'sell' : o.side === 'buy',
            ),
          ).toEqual([]);
        }
        // Partial mode trades at most the N symbols of largest drift.
        if (policy.mode === 'partial') {
          expect(new Set(plan.orders.map((o) => o.symbol)).size).toBeLessThanOrEqual(policy.partialSymbols);
        }
      }),
      { numRuns: 200 },
    );
  });
});
