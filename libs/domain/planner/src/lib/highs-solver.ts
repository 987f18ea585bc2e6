import { type LinearProgram, type LinearSolution, type LinearSolver, toCplexLp } from './linear-program';

/**
 * What the planner needs of a loaded HiGHS instance (npm `highs`, HiGHS compiled to WebAssembly):
 * its one-shot `solve(lpText, options)`. Declared structurally so that this pure library never
 * imports the package; the caller loads it (`await require('highs')()`, which reads the `.wasm` file)
 * and passes the instance in.
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
}

export interface HighsSolverOptions {
  /** Wall-clock cap per solve; the plan fails (named error) rather than returning a worse answer. */
  readonly timeLimitSeconds?: number;
  /** Relative MIP gap at which branch-and-bound stops; HiGHS's default, 1e-4, unless given. */
  readonly mipRelativeGap?: number;
}

/**
 * {@link LinearSolver} over HiGHS. The solver's log is switched off (`output_flag: false`) because
 * the CLI's `--json` mode owns stdout.
 */
export function createHighsSolver(highs: HighsLike, options: HighsSolverOptions = {}): LinearSolver {
  return {
    solve(program: LinearProgram): LinearSolution {
      if (program.variables.length === 0) {
        return { status: 'optimal', objective: 0, values: new Map() };
      }
      const result = highs.solve(toCplexLp(program), {
        output_flag: false,
        time_limit: options.timeLimitSeconds ?? 10,
        mip_rel_gap: options.mipRelativeGap ?? 1e-4,
        // HiGHS accepts a binary within 1e-6 of an integer by default; with an order's on/off switch
        // multiplied by its share count (hundreds), a switch of 1e-7 lets an order trade without paying
        // its commission in the model, and the plan then misses the cash by that commission.
        mip_feasibility_tolerance: 1e-9,
        // The feasibility-jump heuristic costs 60-100 ms per solve in WebAssembly and finds nothing
        // the planner's models need (planner benchmark, issue 3).
        mip_heuristic_run_feasibility_jump: false,
        ...(program.absoluteGap === undefined ? {} : { mip_abs_gap: program.absoluteGap }),
      });
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
            ? {
                status: 'feasible',
                objective: result.ObjectiveValue,
                values,
                detail: `HiGHS stopped at its time limit of ${options.timeLimitSeconds ?? 10} s with a feasible plan not proven optimal`,
              }
            : {
                status: 'failed',
                detail: `HiGHS found no feasible plan within its time limit of ${options.timeLimitSeconds ?? 10} s`,
              };
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
}
