import { type HighsLike, createHighsSolver } from './highs-solver';
import { type LinearProgram } from './linear-program';

// The adapter's mapping of HiGHS's result statuses. A recorded result shape stands in for the
// WebAssembly solver here only because a time limit cannot be reached deterministically; the real
// solver is exercised by every other planner spec.
const program: LinearProgram = {
  variables: [
    { name: 'x', kind: 'integer', lower: 0, upper: 10, cost: -1 },
    { name: 'y', kind: 'binary', lower: 0, upper: 1, cost: 0 },
  ],
  constraints: [{ name: 'c', terms: [{ variable: 'x', coefficient: 1 }], sense: '<=', rhs: 4.5 }],
};

function recorded(result: ReturnType<HighsLike['solve']>): HighsLike {
  return { solve: () => result };
}

describe('createHighsSolver', () => {
  it('uses the incumbent HiGHS returns at its time limit, saying it is not proven optimal', () => {
    const solver = createHighsSolver(
      recorded({
        Status: 'Time limit reached',
        ObjectiveValue: -4,
        Columns: { x: { Index: 0, Primal: 4 }, y: { Index: 1, Primal: 0 } },
      }),
      { timeLimitSeconds: 3 },
    );
    const solution = solver.solve(program);
    expect(solution.status).toBe('feasible');
    if (solution.status !== 'feasible') return;
    expect([...solution.values]).toEqual([
      ['x', 4],
      ['y', 0],
    ]);
    expect(solution.detail).toBe(
      'HiGHS stopped at its time limit of 3 s with a feasible plan not proven optimal',
    );
  });

  it('fails when the time limit came before any feasible plan', () => {
    const solver = createHighsSolver(
      recorded({
        Status: 'Time limit reached',
        ObjectiveValue: Infinity,
        Columns: { x: { Index: 0 }, y: { Index: 1 } },
      }),
    );
    expect(solver.solve(program)).toEqual({
      status: 'failed',
      detail: 'HiGHS found no feasible plan within its time limit of 10 s',
    });
  });

  it('passes the tight integrality tolerance and switches feasibility jump off', () => {
    let options: Readonly<Record<string, boolean | number | string>> | undefined;
    const solver = createHighsSolver({
      solve: (_text, given) => {
        options = given;
        return {
          Status: 'Optimal',
          ObjectiveValue: -4,
          Columns: { x: { Index: 0, Primal: 4 }, y: { Index: 1, Primal: 0 } },
        };
      },
    });
    expect(solver.solve(program).status).toBe('optimal');
    expect(options).toMatchObject({
      output_flag: false,
      mip_feasibility_tolerance: 1e-9,
      mip_heuristic_run_feasibility_jump: false,
    });
  });
});
