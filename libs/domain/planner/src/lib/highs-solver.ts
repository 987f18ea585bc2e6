import { type LinearProgram, type LinearSolution, type LinearSolver, toCplexLp } from './linear-program';

/** The column arrays of HiGHS's `passModel` (npm `highs` ≥ 1.14, `ModelData`), as this library fills them. */
export interface HighsModelData {
  readonly numCols: number;
  readonly numRows: number;
  readonly colCost: Float64Array;
  readonly colLower: Float64Array;
  readonly colUpper: Float64Array;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  /** Compressed sparse rows: row r's entries are `indices/values[starts[r] .. starts[r + 1])`. */
  readonly matrix: {
    readonly format: 'csr';
    readonly numRows: number;
    readonly numCols: number;
    readonly starts: Int32Array;
    readonly indices: Int32Array;
    readonly values: Float64Array;
  };
  /** 0 continuous, 1 integer (binaries are integers within [0, 1]). */
  readonly integrality?: Int32Array;
}

/** A selection of columns by index, as HiGHS's `...BySet` C functions take it. */
export interface HighsColumnSet {
  readonly kind: 'set';
  readonly indices: Int32Array;
}

/** What the planner uses of one persistent HiGHS instance (npm `highs`' `Model`). */
export interface HighsModelLike {
  readonly options: { set(values: Readonly<Record<string, boolean | number | string>>): unknown };
  readonly info: { get(name: string): number | bigint };
  changeColsBounds(selection: HighsColumnSet, lower: Float64Array, upper: Float64Array): unknown;
  changeColsIntegrality(selection: HighsColumnSet, kinds: Int32Array): unknown;
  changeColsCost(selection: HighsColumnSet, costs: Float64Array): unknown;
  /** Resets the run-time clock, which HiGHS otherwise accumulates over runs against `time_limit`. */
  zeroAllClocks(): unknown;
  run(): unknown;
  /** HiGHS's `HighsModelStatus` code (stable C API: 7 optimal, 8 infeasible, 13 time limit...). */
  getModelStatus(): number;
  getObjectiveValue(): number;
  getSolution(): { readonly colValue: Float64Array };
  dispose(): void;
}

/**
 * What the planner needs of a loaded HiGHS instance (npm `highs`, HiGHS compiled to WebAssembly):
 * its persistent-model API (`createModel`, from highs 1.14 on) when present, which takes the model
 * as arrays, else the one-shot `solve(lpText, options)`. Declared structurally so that this pure
 * library never imports the package; the caller loads it (`await require('highs')()`, which reads
 * the `.wasm` file) and passes the instance in.
 */
export interface HighsLike {
  solve(
    problem: string,
    options?: Readonly<Record<string, boolean | number | string>>,
  ): {
    Status: string;
    ObjectiveValue: number;
    Columns: Record<string, { readonly Index: number; readonly Primal?: number }>;
  };
  createModel?(data: HighsModelData): HighsModelLike;
}

export interface HighsSolverOptions {
  /** Wall-clock cap per solve; the plan fails (named error) rather than returning a worse answer. */
  readonly timeLimitSeconds?: number;
  /** Relative MIP gap at which branch-and-bound stops; HiGHS's default, 1e-4, unless given. */
  readonly mipRelativeGap?: number;
  /**
   * How the model reaches HiGHS: `arrays` (the default when the instance has `createModel`) passes
   * the sparse matrix, bounds and costs and reads the solution back as a vector; `lp-text` writes
   * CPLEX LP text for `solve()`, the path of highs before 1.14, kept for them and for comparisons.
   */
  readonly input?: 'arrays' | 'lp-text';
}

/** HiGHS's `HighsModelStatus` codes (HiGHS `lp_data/HConst.h`; `highs.constants.modelStatus`). */
const MODEL_STATUS = {
  optimal: 7,
  infeasible: 8,
  unboundedOrInfeasible: 9,
  unbounded: 10,
  timeLimit: 13,
} as const;
/** `primal_solution_status` of a feasible point (HiGHS `kSolutionStatusFeasible`). */
const SOLUTION_FEASIBLE = 2;

/**
 * {@link LinearSolver} over HiGHS. The solver's log is switched off (`output_flag: false`) because
 * the CLI's `--json` mode owns stdout.
 */
export function createHighsSolver(highs: HighsLike, options: HighsSolverOptions = {}): LinearSolver {
  const timeLimit = options.timeLimitSeconds ?? 10;
  const settings = (program: LinearProgram): Record<string, boolean | number | string> => ({
    output_flag: false,
    time_limit: timeLimit,
    mip_rel_gap: options.mipRelativeGap ?? 1e-4,
    // HiGHS accepts a binary within 1e-6 of an integer by default; with an order's on/off switch
    // multiplied by its share count (hundreds), a switch of 1e-7 lets an order trade without paying
    // its commission in the model, and the plan then misses the cash by that commission.
    mip_feasibility_tolerance: 1e-9,
    // The feasibility-jump heuristic costs 60-100 ms per solve in WebAssembly and finds nothing
    // the planner's models need (planner benchmark, issue 3).
    mip_heuristic_run_feasibility_jump: false,
    ...(program.absoluteGap === undefined ? {} : { mip_abs_gap: program.absoluteGap }),
    // The planner's LPs are small and already tight (presolve removes little but takes a fifth of the
    // LP relaxation's time in WebAssembly: 12 against 15-19 ms CPU for 5 accounts x 100 symbols,
    // planner benchmark); MIPs keep it, branch and bound needs the reductions.
    presolve: program.variables.some((variable) => variable.kind !== 'continuous') ? 'choose' : 'off',
  });
  const createModel = options.input === 'lp-text' ? undefined : highs.createModel?.bind(highs);
  const timeLimitDetail = `HiGHS stopped at its time limit of ${timeLimit} s with a feasible plan not proven optimal`;
  const noPlanDetail = `HiGHS found no feasible plan within its time limit of ${timeLimit} s`;
  /**
   * The model of the last program solved, kept for the next one when that is the same program with
   * other column bounds, kinds or costs (the same constraints array): relax-and-fix's rounding check
   * and restricted MIP, derived from the LP relaxation. HiGHS then changes the columns in place and
   * starts from the previous basis (a handful of dual simplex iterations) instead of reading the
   * model again and solving it from scratch. One model per solver is held until a different program
   * arrives; the WebAssembly memory it owns is freed then, not by garbage collection.
   */
  let kept: { model: HighsModelLike; program: LinearProgram; columns: HighsColumns } | undefined;

  return {
    solve(program: LinearProgram): LinearSolution {
      if (program.variables.length === 0) {
        return { status: 'optimal', objective: 0, values: new Map() };
      }
      if (createModel !== undefined) return solveAsArrays(program, createModel, settings(program));
      let result: ReturnType<HighsLike['solve']>;
      try {
        result = highs.solve(toCplexLp(program), settings(program));
      } catch (error) {
        // highs.solve throws "Unable to solve the problem. HiGHS error -1" on HiGHS's error return.
        return {
          status: 'failed',
          detail: `HiGHS failed: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      switch (result.Status) {
        case 'Optimal': {
          const values = new Map<string, number>();
          for (const variable of program.variables) {
            values.set(variable.name, result.Columns[variable.name]?.Primal ?? 0);
          }
          return { status: 'optimal', objective: result.ObjectiveValue, values };
        }
        case 'Time limit reached': {
          // HiGHS returns its incumbent, feasible by construction, when it has one (a finite
          // objective); without one there is nothing to use.
          const values = new Map<string, number>();
          for (const variable of program.variables) {
            values.set(variable.name, result.Columns[variable.name]?.Primal ?? Number.NaN);
          }
          const usable =
            Number.isFinite(result.ObjectiveValue) &&
            [...values.values()].every((value) => Number.isFinite(value));
          return usable
            ? { status: 'feasible', objective: result.ObjectiveValue, values, detail: timeLimitDetail }
            : { status: 'failed', detail: noPlanDetail };
        }
        case 'Infeasible':
          return { status: 'infeasible', detail: 'HiGHS proved the model infeasible' };
        case 'Unbounded':
        case 'Primal infeasible or unbounded':
          return { status: 'unbounded', detail: `HiGHS: ${result.Status}` };
        default:
          return { status: 'failed', detail: `HiGHS stopped with status "${result.Status}"` };
      }
    },
  };

  function solveAsArrays(
    program: LinearProgram,
    create: (data: HighsModelData) => HighsModelLike,
    solverOptions: Readonly<Record<string, boolean | number | string>>,
  ): LinearSolution {
    try {
      const columns = highsColumns(program);
      let model: HighsModelLike;
      if (kept !== undefined && sameRowsAndColumns(kept.program, program)) {
        model = kept.model;
        updateColumns(model, kept.columns, columns);
        kept = { model, program, columns };
      } else {
        kept?.model.dispose();
        kept = undefined;
        model = create(modelData(program, columns));
        kept = { model, program, columns };
      }
      model.options.set(solverOptions);
      model.zeroAllClocks();
      model.run();
      const status = model.getModelStatus();
      const feasible = Number(model.info.get('primal_solution_status')) === SOLUTION_FEASIBLE;
      if (status === MODEL_STATUS.optimal || (status === MODEL_STATUS.timeLimit && feasible)) {
        const objective = model.getObjectiveValue();
        const column = model.getSolution().colValue;
        const values = new Map<string, number>();
        program.variables.forEach((variable, index) =>
          values.set(variable.name, column[index] ?? Number.NaN),
        );
        return status === MODEL_STATUS.optimal
          ? { status: 'optimal', objective, values }
          : { status: 'feasible', objective, values, detail: timeLimitDetail };
      }
      if (status === MODEL_STATUS.timeLimit) return { status: 'failed', detail: noPlanDetail };
      if (status === MODEL_STATUS.infeasible) {
        return { status: 'infeasible', detail: 'HiGHS proved the model infeasible' };
      }
      if (status === MODEL_STATUS.unbounded || status === MODEL_STATUS.unboundedOrInfeasible) {
        return { status: 'unbounded', detail: `HiGHS: model status ${status} (unbounded or infeasible)` };
      }
      return { status: 'failed', detail: `HiGHS stopped with model status ${status}` };
    } catch (error) {
      // The wrapper throws on HiGHS's error return (-1, e.g. a model it cannot scale) and on input
      // it rejects; the planner turns a failed solve into its named InfeasiblePlanError. The model
      // is not reused after an error.
      kept?.model.dispose();
      kept = undefined;
      return {
        status: 'failed',
        detail: `HiGHS failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
}

/** Column data of a program in HiGHS's terms. */
interface HighsColumns {
  readonly cost: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** 0 continuous, 1 integer (binaries are integers within [0, 1]). */
  readonly integrality: Int32Array;
}

function highsColumns(program: LinearProgram): HighsColumns {
  const n = program.variables.length;
  const columns = {
    cost: new Float64Array(n),
    lower: new Float64Array(n),
    upper: new Float64Array(n),
    integrality: new Int32Array(n),
  };
  program.variables.forEach((variable, j) => {
    columns.cost[j] = finite(variable.cost, `cost of ${variable.name}`);
    columns.lower[j] = variable.kind === 'binary' ? Math.max(0, variable.lower) : variable.lower;
    columns.upper[j] = variable.kind === 'binary' ? Math.min(1, variable.upper) : variable.upper;
    columns.integrality[j] = variable.kind === 'continuous' ? 0 : 1;
  });
  return columns;
}

/** The same rows (the very constraints array) over the same columns, in the same order. */
function sameRowsAndColumns(previous: LinearProgram, next: LinearProgram): boolean {
  return (
    previous.constraints === next.constraints &&
    previous.variables.length === next.variables.length &&
    previous.variables.every((variable, j) => variable.name === next.variables[j]?.name)
  );
}

/** Changes the model's columns from `from` to `to`: bounds, kinds and costs that differ. */
function updateColumns(model: HighsModelLike, from: HighsColumns, to: HighsColumns): void {
  const changed = (
    a: ArrayLike<number>,
    b: ArrayLike<number>,
    c?: ArrayLike<number>,
    d?: ArrayLike<number>,
  ) => {
    const indices: number[] = [];
    for (let j = 0; j < a.length; j += 1) {
      if (a[j] !== b[j] || (c !== undefined && d !== undefined && c[j] !== d[j])) indices.push(j);
    }
    return Int32Array.from(indices);
  };
  const bounds = changed(from.lower, to.lower, from.upper, to.upper);
  if (bounds.length > 0) {
    model.changeColsBounds(
      { kind: 'set', indices: bounds },
      Float64Array.from(bounds, (j) => to.lower[j] ?? 0),
      Float64Array.from(bounds, (j) => to.upper[j] ?? 0),
    );
  }
  const kinds = changed(from.integrality, to.integrality);
  if (kinds.length > 0) {
    model.changeColsIntegrality(
      { kind: 'set', indices: kinds },
      Int32Array.from(kinds, (j) => to.integrality[j] ?? 0),
    );
  }
  const costs = changed(from.cost, to.cost);
  if (costs.length > 0) {
    model.changeColsCost(
      { kind: 'set', indices: costs },
      Float64Array.from(costs, (j) => to.cost[j] ?? 0),
    );
  }
}

/**
 * The program as HiGHS's column arrays: columns in the order of `program.variables`, rows in the
 * order of `program.constraints` (empty ones kept, so that row indices match), a `<=` row as
 * `[-inf, rhs]`, `>=` as `[rhs, inf]`, `=` as `[rhs, rhs]`; binaries are integers within [0, 1].
 *
 * @throws RangeError for a term naming a variable the program does not declare, or a non-finite
 * coefficient, cost or right-hand side.
 */
export function toHighsModelData(program: LinearProgram): HighsModelData {
  return modelData(program, highsColumns(program));
}

function modelData(program: LinearProgram, columns: HighsColumns): HighsModelData {
  const numCols = program.variables.length;
  const numRows = program.constraints.length;
  const index = new Map<string, number>();
  program.variables.forEach((variable, j) => index.set(variable.name, j));
  const { cost: colCost, lower: colLower, upper: colUpper, integrality } = columns;
  const nonzeros = program.constraints.reduce((sum, constraint) => sum + constraint.terms.length, 0);
  const starts = new Int32Array(numRows + 1);
  const indices = new Int32Array(nonzeros);
  const values = new Float64Array(nonzeros);
  const rowLower = new Float64Array(numRows);
  const rowUpper = new Float64Array(numRows);
  let k = 0;
  program.constraints.forEach((constraint, r) => {
    for (const term of constraint.terms) {
      const column = index.get(term.variable);
      if (column === undefined) {
        throw new RangeError(
          `LP constraint "${constraint.name}" names an undeclared variable "${term.variable}"`,
        );
      }
      indices[k] = column;
      values[k] = finite(term.coefficient, `coefficient of ${term.variable} in ${constraint.name}`);
      k += 1;
    }
    starts[r + 1] = k;
    const rhs = finite(constraint.rhs, `right-hand side of ${constraint.name}`);
    rowLower[r] = constraint.sense === '<=' ? -Infinity : rhs;
    rowUpper[r] = constraint.sense === '>=' ? Infinity : rhs;
  });
  const integer = integrality.some((kind) => kind !== 0);
  return {
    numCols,
    numRows,
    colCost,
    colLower,
    colUpper,
    rowLower,
    rowUpper,
    matrix: { format: 'csr', numRows, numCols, starts, indices, values },
    ...(integer ? { integrality } : {}),
  };
}

function finite(value: number, what: string): number {
  if (!Number.isFinite(value)) throw new RangeError(`LP ${what} is ${String(value)}, not finite`);
  return value;
}
