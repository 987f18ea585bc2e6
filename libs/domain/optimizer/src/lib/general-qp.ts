import { InfeasibleConstraintsError, InvalidInputError, SolverDidNotConvergeError } from './errors';

/**
 * What this library needs of a loaded HiGHS instance (npm `highs`, HiGHS compiled to WebAssembly,
 * whose QP solver is an active-set method for convex QPs): its one-shot `solve(lpText, options)`.
 * Declared structurally so that the pure library never imports the package; the caller loads it
 * (`await require('highs')()`) and passes it in.
 */
export interface HighsLike {
  solve(
    problem: string,
    options?: Readonly<Record<string, boolean | number | string>>,
  ): {
    Status: string;
    Columns: Record<string, { readonly Index: number; readonly Primal?: number }>;
  };
}

/** `lower ≤ Σ coefficients_i w_i ≤ upper`, named for error messages ("group tech"). */
export interface LinearRow {
  readonly name: string;
  readonly coefficients: Float64Array;
  readonly lower: number;
  readonly upper: number;
}

/**
 * `minimise ½ wᵀQw + cᵀw + k Σ|w_i - w0_i|` subject to `Σw = budget`, bounds, linear rows, and
 * `Σ|w_i - w0_i| ≤ turnover`. The absolute values are split into `u, v ≥ 0` with
 * `w - u + v = w0`, the standard linear reformulation (Boyd & Vandenberghe, Convex Optimization,
 * §6.1), so the problem stays a convex QP.
 */
export interface GeneralQp {
  readonly n: number;
  /** `n x n` row-major, symmetric positive semidefinite. */
  readonly q: Float64Array;
  readonly c: Float64Array;
  /** `Σw = budget` (1 fully invested, 0 market neutral); `undefined` for no budget row. */
  readonly budget: number | undefined;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly rows: readonly LinearRow[];
  readonly currentWeights?: Float64Array;
  /** k of the linear transaction cost `k Σ|w - w0|`. */
  readonly transactionCost?: number;
  /** Upper limit of `Σ|w - w0|`. */
  readonly turnoverLimit?: number;
}

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : v > 0 ? '+inf' : '-inf';
}

function term(coefficient: number, name: string, first: boolean): string {
  if (coefficient < 0) return ` - ${num(-coefficient)} ${name}`;
  return `${first ? ' ' : ' + '}${num(coefficient)} ${name}`;
}

function needsSplit(p: GeneralQp): boolean {
  return p.currentWeights !== undefined && (p.transactionCost !== undefined || p.turnoverLimit !== undefined);
}

/** Constraint groups that {@link findConflictingConstraints} can switch off one at a time. */
type Part = 'budget' | 'bounds' | 'turnover' | number;

/** CPLEX LP text of the problem with only the `enabled` constraint parts. */
function toLp(p: GeneralQp, enabled: ReadonlySet<Part>, feasibilityOnly: boolean): string {
  const { n } = p;
  const w = (i: number): string => `w${i}`;
  const split = needsSplit(p);
  const lines: string[] = ['Minimize'];
  let objective = ' obj:';
  let first = true;
  if (!feasibilityOnly) {
    for (let i = 0; i < n; i += 1) {
      const ci = p.c[i] as number;
      if (ci !== 0) {
        objective += term(ci, w(i), first);
        first = false;
      }
    }
    if (split && p.transactionCost !== undefined && p.transactionCost > 0) {
      for (let i = 0; i < n; i += 1) {
        objective += term(p.transactionCost, `u${i}`, first) + term(p.transactionCost, `v${i}`, false);
        first = false;
      }
    }
    const quad: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const qii = p.q[i * n + i] as number;
      if (qii !== 0)
        quad.push(`${quad.length === 0 ? '' : qii < 0 ? '- ' : '+ '}${num(Math.abs(qii))} ${w(i)}^2`);
      for (let j = i + 1; j < n; j += 1) {
        const qij = 2 * (p.q[i * n + j] as number);
        if (qij === 0) continue;
        quad.push(
          `${quad.length === 0 ? (qij < 0 ? '- ' : '') : qij < 0 ? '- ' : '+ '}${num(Math.abs(qij))} ${w(i)} * ${w(j)}`,
        );
      }
    }
    if (first) objective += ` 0 ${w(0)}`;
    if (quad.length > 0) objective += ` + [ ${quad.join(' ')} ]/2`;
  } else objective += ` 0 ${w(0)}`;
  lines.push(objective, 'Subject To');
  if (p.budget !== undefined && enabled.has('budget')) {
    lines.push(` budget: ${Array.from({ length: n }, (_, i) => `+ 1 ${w(i)}`).join(' ')} = ${num(p.budget)}`);
  }
  p.rows.forEach((row, r) => {
    if (!enabled.has(r)) return;
    let expr = '';
    let firstTerm = true;
    for (let i = 0; i < n; i += 1) {
      const a = row.coefficients[i] as number;
      if (a === 0) continue;
      expr += term(a, w(i), firstTerm);
      firstTerm = false;
    }
    if (firstTerm) return;
    if (Number.isFinite(row.lower)) lines.push(` r${r}lo:${expr} >= ${num(row.lower)}`);
    if (Number.isFinite(row.upper)) lines.push(` r${r}hi:${expr} <= ${num(row.upper)}`);
  });
  if (split) {
    const w0 = p.currentWeights as Float64Array;
    for (let i = 0; i < n; i += 1)
      lines.push(` t${i}: + 1 ${w(i)} - 1 u${i} + 1 v${i} = ${num(w0[i] as number)}`);
    if (p.turnoverLimit !== undefined && enabled.has('turnover')) {
      lines.push(
        ` turnover: ${Array.from({ length: n }, (_, i) => `+ 1 u${i} + 1 v${i}`).join(' ')} <= ${num(p.turnoverLimit)}`,
      );
    }
  }
  lines.push('Bounds');
  const boxed = enabled.has('bounds');
  for (let i = 0; i < n; i += 1) {
    const lo = boxed ? (p.lower[i] as number) : -Infinity;
    const hi = boxed ? (p.upper[i] as number) : Infinity;
    lines.push(
      lo === -Infinity && hi === Infinity ? ` ${w(i)} free` : ` ${num(lo)} <= ${w(i)} <= ${num(hi)}`,
    );
  }
  lines.push('End');
  return lines.join('\n');
}

const OPTIONS = {
  output_flag: false,
  // Tighter than HiGHS's 1e-7 defaults: golden values are checked to 1e-6 and better.
  primal_feasibility_tolerance: 1e-10,
  dual_feasibility_tolerance: 1e-10,
  time_limit: 60,
} as const;

/** Solves a {@link GeneralQp} with HiGHS; throws a named error that names the conflict when infeasible. */
export function solveGeneralQp(highs: HighsLike, p: GeneralQp): Float64Array {
  validate(p);
  const all = allParts(p);
  const result = highs.solve(toLp(p, all, false), OPTIONS);
  if (result.Status === 'Infeasible' || result.Status === 'Primal infeasible or unbounded') {
    throw new InfeasibleConstraintsError(describeConflict(p, findConflictingConstraints(highs, p)));
  }
  if (result.Status !== 'Optimal')
    throw new SolverDidNotConvergeError(`HiGHS QP (status "${result.Status}")`, 0);
  return Float64Array.from({ length: p.n }, (_, i) => result.Columns[`w${i}`]?.Primal ?? 0);
}

function validate(p: GeneralQp): void {
  for (let i = 0; i < p.n; i += 1) {
    if (!((p.lower[i] as number) <= (p.upper[i] as number))) {
      throw new InfeasibleConstraintsError(
        `asset ${i}: lower bound ${p.lower[i]} > upper bound ${p.upper[i]}`,
      );
    }
  }
  for (const row of p.rows) {
    if (!(row.lower <= row.upper))
      throw new InfeasibleConstraintsError(`${row.name}: lower ${row.lower} > upper ${row.upper}`);
  }
  if (p.transactionCost !== undefined && !(p.transactionCost >= 0)) {
    throw new InvalidInputError(`transaction cost must be >= 0, got ${p.transactionCost}`);
  }
  if (p.turnoverLimit !== undefined && !(p.turnoverLimit >= 0)) {
    throw new InvalidInputError(`turnover limit must be >= 0, got ${p.turnoverLimit}`);
  }
  if ((p.transactionCost !== undefined || p.turnoverLimit !== undefined) && !p.currentWeights) {
    throw new InvalidInputError('transaction costs and turnover limits need current weights');
  }
}

function allParts(p: GeneralQp): Set<Part> {
  const parts = new Set<Part>(['bounds']);
  if (p.budget !== undefined) parts.add('budget');
  if (p.turnoverLimit !== undefined && p.currentWeights) parts.add('turnover');
  p.rows.forEach((_, r) => parts.add(r));
  return parts;
}

/**
 * An irreducible infeasible subset of the constraint parts (budget, all bounds together, each
 * linear row, turnover), by Chinneck's deletion filter (Chinneck & Dravnieks 1991, "Locating
 * minimal infeasible constraint sets in linear programs"): drop each part in turn and keep it
 * dropped while the rest stays infeasible. Every part left is needed for the conflict.
 */
export function findConflictingConstraints(highs: HighsLike, p: GeneralQp): Part[] {
  const kept = allParts(p);
  const feasible = (parts: ReadonlySet<Part>): boolean => {
    const status = highs.solve(toLp(p, parts, true), OPTIONS).Status;
    return status === 'Optimal';
  };
  for (const part of [...kept]) {
    kept.delete(part);
    if (feasible(kept)) kept.add(part);
  }
  return [...kept];
}

function describeConflict(p: GeneralQp, parts: readonly Part[]): string {
  const names = parts.map((part) => {
    if (part === 'budget') return `weights sum to ${p.budget}`;
    if (part === 'bounds') return 'the weight bounds';
    if (part === 'turnover') return `turnover <= ${p.turnoverLimit} against the current weights`;
    const row = p.rows[part] as LinearRow;
    return `${row.name} in [${row.lower}, ${row.upper}]`;
  });
  return `${names.join(' + ')} cannot hold together`;
}
