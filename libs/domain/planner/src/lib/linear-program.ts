/**
 * A small, solver-neutral description of a (mixed-integer) linear program, and the port the planner
 * solves it through. Keeping HiGHS behind {@link LinearSolver} lets specs substitute a fake, lets the
 * backtester reuse one loaded solver, and keeps the Wasm loading (file I/O) out of the domain lib.
 */

export type VariableKind = 'continuous' | 'integer' | 'binary';

export interface LpVariable {
  /** Letters, digits and `_` only, starting with a letter: valid in every LP file format. */
  readonly name: string;
  readonly kind: VariableKind;
  readonly lower: number;
  /** `Infinity` for none. */
  readonly upper: number;
  /** Coefficient in the objective (minimised). */
  readonly cost: number;
}

export interface LpTerm {
  readonly variable: string;
  readonly coefficient: number;
}

export interface LpConstraint {
  readonly name: string;
  readonly terms: readonly LpTerm[];
  readonly sense: '<=' | '>=' | '=';
  readonly rhs: number;
}

/** Minimise Σ cost × variable subject to the constraints and the variables' bounds and kinds. */
export interface LinearProgram {
  readonly variables: readonly LpVariable[];
  readonly constraints: readonly LpConstraint[];
  /**
   * For integer programs: stop once the best plan found is provably within this much of the optimum
   * (objective units). Proving exact optimality of share-count knapsacks can take a branch-and-bound
   * solver seconds for a gain of cents; the caller says what difference is immaterial.
   */
  readonly absoluteGap?: number;
}

export type LinearSolution =
  | { readonly status: 'optimal'; readonly objective: number; readonly values: ReadonlyMap<string, number> }
  | {
      /** A solution that satisfies every constraint, found before a time limit, not proven optimal. */
      readonly status: 'feasible';
      readonly objective: number;
      readonly values: ReadonlyMap<string, number>;
      readonly detail: string;
    }
  | { readonly status: 'infeasible' | 'unbounded' | 'failed'; readonly detail: string };

/** Solves a linear program exactly (to the solver's tolerances), integrality included. */
export interface LinearSolver {
  solve(program: LinearProgram): LinearSolution;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const TERMS_PER_LINE = 8;

/**
 * Writes a program in CPLEX LP format, the text format HiGHS (and CPLEX, Gurobi, GLPK, CBC) read.
 * Reference: IBM ILOG CPLEX, "CPLEX LP file format: algebraic representation"; HiGHS reads it with
 * its `filereaderlp`. Numbers are written in JavaScript's shortest round-trip form, so the solver
 * sees exactly the doubles the planner computed.
 *
 * @throws RangeError for a variable name outside `[A-Za-z][A-Za-z0-9_]*` or a non-finite coefficient.
 */
export function toCplexLp(program: LinearProgram): string {
  for (const variable of program.variables) {
    if (!NAME.test(variable.name)) throw new RangeError(`LP variable name "${variable.name}" is not valid`);
  }
  const lines: string[] = ['Minimize'];
  const objective = program.variables
    .filter((variable) => variable.cost !== 0)
    .map((variable) => ({ variable: variable.name, coefficient: variable.cost }));
  const first = program.variables[0];
  lines.push(
    ` obj: ${objective.length > 0 ? expression(objective) : first === undefined ? '' : `0 ${first.name}`}`,
  );
  lines.push('Subject To');
  for (const constraint of program.constraints) {
    if (!NAME.test(constraint.name))
      throw new RangeError(`LP constraint name "${constraint.name}" is not valid`);
    if (constraint.terms.length === 0) continue;
    lines.push(
      ` ${constraint.name}: ${expression(constraint.terms)} ${constraint.sense} ${number(constraint.rhs)}`,
    );
  }
  // A binary restricted within [0, 1] (fixed at 0 or 1) goes out as a bounded general integer: the
  // Binary section would reset its bounds to [0, 1].
  const isBinary = (variable: LpVariable) =>
    variable.kind === 'binary' && variable.lower <= 0 && variable.upper >= 1;
  lines.push('Bounds');
  for (const variable of program.variables) {
    if (isBinary(variable)) continue;
    lines.push(
      variable.upper === Infinity
        ? ` ${variable.name} >= ${number(variable.lower)}`
        : ` ${number(variable.lower)} <= ${variable.name} <= ${number(variable.upper)}`,
    );
  }
  const integers = program.variables.filter(
    (variable) => variable.kind !== 'continuous' && !isBinary(variable),
  );
  if (integers.length > 0) lines.push('General', ...chunks(integers.map((variable) => variable.name)));
  const binaries = program.variables.filter(isBinary);
  if (binaries.length > 0) lines.push('Binary', ...chunks(binaries.map((variable) => variable.name)));
  lines.push('End', '');
  return lines.join('\n');
}

function expression(terms: readonly LpTerm[]): string {
  const parts = terms.map(
    (term) => `${term.coefficient < 0 ? '-' : '+'} ${number(Math.abs(term.coefficient))} ${term.variable}`,
  );
  const out: string[] = [];
  for (let index = 0; index < parts.length; index += TERMS_PER_LINE) {
    out.push(parts.slice(index, index + TERMS_PER_LINE).join(' '));
  }
  // Continuation lines keep each line short; LP readers treat the line break as white space.
  return out.join('\n   ');
}

function chunks(names: readonly string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < names.length; index += 20)
    out.push(` ${names.slice(index, index + 20).join(' ')}`);
  return out;
}

function number(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`LP coefficient ${String(value)} is not finite`);
  return String(value);
}
