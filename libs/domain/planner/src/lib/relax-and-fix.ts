import {
  type LinearProgram,
  type LinearSolution,
  type LinearSolver,
  type LpVariable,
} from './linear-program';

/** One order's share variable in the planning program, with what rounding it needs to know. */
export interface LegColumn {
  /** The share-count variable. */
  readonly name: string;
  /** Its on/off binary, when a minimum trade value or a commission applies. */
  readonly switchName: string | undefined;
  readonly accountIndex: number;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly price: number;
  /** The smallest value (dollars) the leg may trade when it trades at all. */
  readonly minimum: number;
  /** Upper bound of the share count (holdings for a sale). */
  readonly upper: number;
  /** Coefficient of one share in the account's cash row (negative for a buy). */
  readonly cashPerShare: number;
  /** Coefficient of one share in the objective (spread, tie-break, asset location). */
  readonly costPerShare: number;
  /** What one share adds to the household's cash after spread (negative for a buy). */
  readonly cashMovementPerShare: number;
}

/** The structure of the planning program that rounding works with. */
export interface RoundingGuide {
  readonly legs: readonly LegColumn[];
  readonly wholeShares: boolean;
  /** Right-hand side of each account's cash row: `Σ cashPerShare × shares − commissions ≥ floor`. */
  readonly cashFloor: ReadonlyMap<number, number>;
  /** Coefficient of an order's switch in its account's cash row (the commission, net of the buffer). */
  readonly commissionInCash: number;
  /** Coefficient of an order's switch in the objective (the commission). */
  readonly commission: number;
  /** Dollars each symbol is under its target before the orders (negative when over). */
  readonly gap: ReadonlyMap<string, number>;
  /**
   * In a one-way plan cash's own distance to its target counts like a symbol's (see the planner):
   * the dollars of cash the household is under its target before the orders; `undefined` otherwise.
   */
  readonly cashGap: number | undefined;
}

export interface RelaxAndFixOptions {
  /**
   * Try a rounded LP solution first and keep it when it is provably within the program's absolute
   * gap of the optimum (true unless false is given). False solves the restricted MIP straight away,
   * the planner's path before the rounding existed, kept for comparisons.
   */
  readonly roundFirst?: boolean;
}

/** Values under this are the solver's zero (HiGHS's primal feasibility tolerance is 1e-7). */
const ZERO = 1e-9;
/** A share count within this of an integer is that integer (solver noise, not a fraction). */
const INTEGRAL = 1e-7;

/**
 * Solves the planning MIP by relax-and-fix, a standard MIP heuristic (e.g. Pochet and Wolsey,
 * "Production Planning by Mixed Integer Programming", 2006, section 3.6), with a rounding step that
 * usually makes the branch and bound unnecessary:
 *
 * 1. the LP relaxation (shares continuous, on/off switches in [0, 1], or left out when they cannot
 *    bind: {@link relaxationOf}); its optimum L is a lower bound of every plan's objective, whole
 *    shares included;
 * 2. rounding ({@link roundRelaxation}): whole shares rounded the way that keeps every account's
 *    cash (buys down, sales up), then, account by account while cash allows, the roundings that
 *    bring a symbol closer to its target; every switch set to whether its leg trades. The program
 *    with those values fixed is an LP over what is left (distance, tax pieces); if its optimum is
 *    within the program's absolute gap of L, the plan is within that gap of the best possible one
 *    (a tighter guarantee than the restricted MIP's below, whose gap is measured against its own
 *    restriction), and it is the answer;
 * 3. otherwise the MIP with the LP's trade pattern fixed (a leg the LP leaves at zero stays at zero),
 *    which leaves integer share counts and switches on the traded legs only; branch and bound over
 *    every leg of a household of hundreds does not finish in seconds (the planner benchmark), the
 *    restricted MIP does. (The switches of legs the LP trades are left free, not forced on: a leg
 *    whose whole-share rounding is not worth its commission may still drop. Until the model went to
 *    HiGHS as arrays they were written `lower: 1` but the LP text's Binary section reset them to
 *    [0, 1], so free is also what the planner always did.);
 * 4. should the restriction be infeasible (rounding needs a leg the LP did not use), the full MIP.
 */
export function solveRelaxAndFix(
  program: LinearProgram,
  guide: RoundingGuide,
  solver: LinearSolver,
  options: RelaxAndFixOptions = {},
): LinearSolution {
  if (program.variables.every((variable) => variable.kind === 'continuous')) return solver.solve(program);
  const relaxation = relaxationOf(program, guide);
  const relaxed = solver.solve(relaxation);
  if (relaxed.status !== 'optimal') return relaxed;

  if (options.roundFirst !== false && program.absoluteGap !== undefined) {
    const fixedValues = roundRelaxation(relaxed.values, guide);
    if (fixedValues !== undefined) {
      const fixed = solver.solve(withRounding(relaxation, guide, fixedValues));
      if (fixed.status === 'optimal' && fixed.objective <= relaxed.objective + program.absoluteGap) {
        // The switches the relaxation left out, at the values the rounding gave them.
        const values = new Map(fixed.values);
        for (const [name, value] of fixedValues) if (!values.has(name)) values.set(name, value);
        return { ...fixed, values };
      }
    }
  }

  const unused = new Set<string>();
  for (const leg of guide.legs) {
    if ((relaxed.values.get(leg.name) ?? 0) > ZERO) continue;
    unused.add(leg.name);
    if (leg.switchName !== undefined) unused.add(leg.switchName);
  }
  const restricted = solver.solve({
    ...program,
    variables: program.variables.map((variable) =>
      unused.has(variable.name) ? { ...variable, upper: 0 } : variable,
    ),
  });
  return restricted.status === 'optimal' || restricted.status === 'feasible'
    ? restricted
    : solver.solve(program);
}

/**
 * The LP relaxation of the program: every variable continuous. Without a commission the on/off
 * switches cost nothing and appear only in their legs' two link rows (`x <= upper y`,
 * `price x >= minimum y`), which the relaxation satisfies for any x in [0, upper] (y = x / upper,
 * since price x upper >= minimum for every leg the planner creates): the switches and those rows are
 * left out, which halves the LP (5 accounts x 100 symbols: 897 columns and 206 rows instead of 1593
 * and 1598) and its solve time, with the same optimum.
 */
function relaxationOf(program: LinearProgram, guide: RoundingGuide): LinearProgram {
  const switches = new Set(
    guide.legs.flatMap((leg) => (leg.switchName === undefined ? [] : [leg.switchName])),
  );
  const continuous = (variable: LpVariable): LpVariable => ({ ...variable, kind: 'continuous' });
  if (guide.commission !== 0 || switches.size === 0) {
    return { variables: program.variables.map(continuous), constraints: program.constraints };
  }
  return {
    variables: program.variables.filter((variable) => !switches.has(variable.name)).map(continuous),
    constraints: program.constraints.filter(
      (constraint) => !constraint.terms.some((term) => switches.has(term.variable)),
    ),
  };
}

/**
 * The relaxation with the rounding's values fixed: a variable the rounding sets is fixed there; when
 * the relaxation has no switches, a leg's switch becomes its bounds (off: at zero; on: at least its
 * minimum), which is what the link rows say.
 */
function withRounding(
  relaxation: LinearProgram,
  guide: RoundingGuide,
  fixedValues: ReadonlyMap<string, number>,
): LinearProgram {
  const switchOf = new Map(guide.legs.map((leg) => [leg.name, leg]));
  return {
    variables: relaxation.variables.map((variable) => {
      const value = fixedValues.get(variable.name);
      if (value !== undefined) return { ...variable, lower: value, upper: value };
      const leg = switchOf.get(variable.name);
      const on = leg?.switchName === undefined ? undefined : fixedValues.get(leg.switchName);
      if (leg === undefined || on === undefined) return variable;
      return on > 0.5
        ? { ...variable, lower: Math.min(variable.upper, leg.minimum / leg.price) }
        : { ...variable, lower: 0, upper: 0 };
    }),
    constraints: relaxation.constraints,
  };
}

/**
 * Integer values for the LP relaxation's share counts (whole shares) and switches, or `undefined`
 * when the rounding cannot keep an account's cash (the restricted MIP then decides). The
 * continuous variables are left to the LP that evaluates the rounding.
 *
 * - Fractional shares: quantities stay free; a leg the LP trades for at least half its minimum is
 *   switched on (it then trades at least the minimum), any other leg off (at zero): the nearer of
 *   the two sizes a leg may have.
 * - Whole shares: buys rounded down and sales up (within holdings), which only adds cash; a leg
 *   rounded below its minimum trade is dropped (a buy) or raised to the minimum (a sale, within
 *   holdings); then a local search over one-share moves (below), in which a leg below its minimum
 *   jumps to it or to zero, and buys the LP leaves at zero may take cash no traded leg can use.
 *   Switches follow the share counts.
 */
export function roundRelaxation(
  relaxed: ReadonlyMap<string, number>,
  guide: RoundingGuide,
): Map<string, number> | undefined {
  const fixed = new Map<string, number>();
  if (!guide.wholeShares) {
    for (const leg of guide.legs) {
      if (leg.switchName === undefined) continue;
      const value = relaxed.get(leg.name) ?? 0;
      fixed.set(leg.switchName, value > ZERO && value * leg.price >= leg.minimum / 2 ? 1 : 0);
    }
    return fixed;
  }

  const shares = new Float64Array(guide.legs.length);
  const cashLeft = new Map<number, number>();
  const distance = new Map(guide.gap);
  let cashGap = guide.cashGap;
  guide.legs.forEach((leg, k) => {
    const value = Math.max(0, relaxed.get(leg.name) ?? 0);
    let count = 0;
    if (value > ZERO) {
      count =
        leg.side === 'buy'
          ? Math.floor(value + INTEGRAL)
          : Math.min(Math.floor(leg.upper), Math.ceil(value - INTEGRAL));
      if (count > 0 && count * leg.price < leg.minimum) {
        const least = Math.ceil(leg.minimum / leg.price - INTEGRAL);
        count = leg.side === 'sell' && least <= leg.upper ? least : 0;
      }
    }
    shares[k] = count;
    traded(leg, count, 1);
  });
  for (const [account, floor] of guide.cashFloor) {
    if ((cashLeft.get(account) ?? 0) < floor - ZERO) return undefined;
  }

  // Then, account by account, a local search over one-share moves of the legs the LP trades (legs it
  // leaves at zero stay at zero: the LP's trade pattern). "Heavier" moves (one more share bought, one
  // fewer sold) spend the account's cash, "lighter" ones raise it. First the heavier moves, best
  // distance removed per dollar spent first, while the cash lasts: money short of the targets (the
  // buffer, costs) stays spread as underweights instead of overshooting a symbol at the expense of
  // another. Then single moves and swaps (one leg heavier, another lighter) while one lowers the
  // objective: the swaps fill what cash is left with the share prices that fit it.
  // The legs the LP trades, per account, and the buys it leaves at zero, which may take what cash
  // the traded legs cannot use (the fill below only: a new order must reach the minimum trade).
  const byAccount = new Map<number, number[]>();
  const newBuys = new Map<number, number[]>();
  guide.legs.forEach((leg, k) => {
    if ((relaxed.get(leg.name) ?? 0) > ZERO) pushTo(byAccount, leg.accountIndex, k);
    else if (leg.side === 'buy') pushTo(newBuys, leg.accountIndex, k);
  });
  const room = (account: number) =>
    (cashLeft.get(account) ?? 0) - (guide.cashFloor.get(account) ?? -Infinity) + ZERO;
  for (const [account, traded] of byAccount) {
    const legs = [...traded, ...(newBuys.get(account) ?? [])];
    for (;;) {
      let best: Move | undefined;
      let bestRate = 0;
      for (const k of legs) {
        const heavier = move(k, 1, 0);
        if (heavier === undefined || heavier.gain <= 0 || -heavier.cash > room(account)) continue;
        const rate = heavier.cash < 0 ? heavier.gain / -heavier.cash : Infinity;
        if (
          best === undefined ||
          rate > bestRate + 1e-12 ||
          (rate >= bestRate - 1e-12 && heavier.gain > best.gain)
        ) {
          best = heavier;
          bestRate = rate;
        }
      }
      if (best === undefined) break;
      apply(best);
    }
  }
  // Accounts share symbols: a move in one changes what helps in another, so the improving moves
  // sweep the accounts until a sweep changes nothing (a few sweeps at most).
  for (let sweep = 0; sweep < 5; sweep += 1) {
    let moved = false;
    for (const [account, traded] of byAccount) {
      const legs = [...traded, ...(newBuys.get(account) ?? []).filter((k) => (shares[k] ?? 0) > 0)];
      for (let step = 0; step < 4 * legs.length; step += 1) {
        let best: Move[] | undefined;
        let bestGain = ZERO;
        for (const i of legs) {
          for (const direction of [1, -1] as const) {
            const single = move(i, direction, 0);
            if (single !== undefined && single.gain > bestGain && -single.cash <= room(account)) {
              best = [single];
              bestGain = single.gain;
            }
          }
          const heavier = move(i, 1, 0);
          if (heavier === undefined) continue;
          for (const j of legs) {
            if (j === i) continue;
            const sameSymbol = guide.legs[j]?.symbol === guide.legs[i]?.symbol;
            const lighter = move(j, -1, sameSymbol ? heavier.dollars : 0, heavier.cashMoved);
            if (lighter === undefined) continue;
            const gain = heavier.gain + lighter.gain;
            if (gain > bestGain && -(heavier.cash + lighter.cash) <= room(account)) {
              best = [heavier, lighter];
              bestGain = gain;
            }
          }
        }
        if (best === undefined) break;
        for (const chosen of best) apply(chosen);
        moved = true;
      }
    }
    if (!moved) break;
  }

  guide.legs.forEach((leg, k) => {
    const count = shares[k] ?? 0;
    fixed.set(leg.name, count);
    if (leg.switchName !== undefined) fixed.set(leg.switchName, count > 0 ? 1 : 0);
  });
  return fixed;

  /**
   * One share heavier (`direction` 1: one more bought or one fewer sold) or lighter (-1) on leg k:
   * its new count, the cash it adds to the account (negative when it spends) and the objective it
   * saves (distance to target, cost per share, commission); `shift` is a change of the symbol's
   * position and `cashShift` of the household's cash already made by the other half of a swap. `undefined` when the count would leave the
   * leg's bounds or fall below its minimum trade.
   */
  function move(k: number, direction: 1 | -1, shift: number, cashShift = 0): Move | undefined {
    const leg = guide.legs[k] as LegColumn;
    const count = shares[k] ?? 0;
    let next = leg.side === 'buy' ? count + direction : count - direction;
    // Below the minimum trade a leg jumps: up to the fewest shares that reach it, or down to nothing.
    if (next > 0 && next * leg.price < leg.minimum) {
      next = next > count ? Math.ceil(leg.minimum / leg.price - INTEGRAL) : 0;
    }
    if (next < 0 || next > leg.upper) return undefined;
    const orders = (next > 0 ? 1 : 0) - (count > 0 ? 1 : 0);
    const dollars = (leg.side === 'buy' ? next - count : count - next) * leg.price;
    const gap = (distance.get(leg.symbol) ?? 0) - shift;
    const cashMoved = leg.cashMovementPerShare * (next - count) - guide.commission * orders;
    const cashCloser =
      cashGap === undefined ? 0 : Math.abs(cashGap - cashShift) - Math.abs(cashGap - cashShift - cashMoved);
    return {
      k,
      next,
      dollars,
      cashMoved,
      cash: leg.cashPerShare * (next - count) - guide.commissionInCash * orders,
      gain:
        Math.abs(gap) -
        Math.abs(gap - dollars) +
        cashCloser -
        leg.costPerShare * (next - count) -
        guide.commission * orders,
    };
  }

  function apply(chosen: Move): void {
    const leg = guide.legs[chosen.k] as LegColumn;
    traded(leg, shares[chosen.k] ?? 0, -1);
    shares[chosen.k] = chosen.next;
    traded(leg, chosen.next, 1);
  }

  /** Books (sign 1) or unbooks (sign -1) `count` shares of a leg in its account's cash and symbol's gap. */
  function traded(leg: LegColumn, count: number, sign: 1 | -1): void {
    const orders = count > 0 ? 1 : 0;
    cashLeft.set(
      leg.accountIndex,
      (cashLeft.get(leg.accountIndex) ?? 0) +
        sign * (leg.cashPerShare * count - guide.commissionInCash * orders),
    );
    const dollars = (leg.side === 'buy' ? 1 : -1) * leg.price * count;
    distance.set(leg.symbol, (distance.get(leg.symbol) ?? 0) - sign * dollars);
    if (cashGap !== undefined) {
      cashGap -= sign * (leg.cashMovementPerShare * count - guide.commission * orders);
    }
  }
}

interface Move {
  readonly k: number;
  readonly next: number;
  /** How much heavier the symbol gets, in dollars (negative when lighter). */
  readonly dollars: number;
  /** What it adds to the household's cash (negative when it spends). */
  readonly cashMoved: number;
  readonly cash: number;
  readonly gain: number;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
