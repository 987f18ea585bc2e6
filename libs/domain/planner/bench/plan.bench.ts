// Plan latency (issue 3, Tests and benchmark): planRebalance over seeded random households of 1, 5
// and 20 accounts holding 10, 100 and 500 symbols, whole and fractional shares, on HiGHS (Wasm) with
// the solver options the library uses by default. The target is under 50 ms for 5 accounts × 100
// symbols with whole shares. The LinearSolver is wrapped to time what it spends (writing the LP text,
// HiGHS parsing and solving it, reading the columns back): the rest of a plan is model building,
// rounding and cash repair in decimals, and the report. Benchmarks measure; they never assert.
//
// Each row also gives the median CPU time of the process per plan, which other processes' load
// inflates much less than wall time, and the load average is printed with the table.
//
// A configuration whose first plan shows that the usual runs would take longer than the budget
// (PLANNER_BENCH_BUDGET_MS, 20 s) gets fewer runs and no further warm-up, and the table says so.
// PLANNER_BENCH_ACCOUNTS and PLANNER_BENCH_SYMBOLS (comma-separated) select sizes.
import { cpus, loadavg } from 'node:os';
import { bench, printTable, type BenchResult } from '@ballast/testing';
import { type LinearProgram, type LinearSolver, planRebalance } from '../src';
import { loadHighsSolver } from '../src/testing/highs';
import { randomHousehold } from '../src/testing/random-households';

const RUNS = 20;
const WARMUP = 2;

const list = (name: string, fallback: string) => (process.env[name] ?? fallback).split(',').map(Number);
const accountSizes = list('PLANNER_BENCH_ACCOUNTS', '1,5,20');
const symbolSizes = list('PLANNER_BENCH_SYMBOLS', '10,100,500');
const budgetMs = Number(process.env['PLANNER_BENCH_BUDGET_MS'] ?? 20_000);

interface Call {
  readonly totalMs: number;
  /** CPU time of this process (user + system) during the plan: less sensitive than wall time to other load. */
  readonly cpuMs: number;
  readonly solverMs: number;
  /** Solver calls of the plan: 1 for an LP; 2 when relax-and-fix keeps its rounding; 3 or 4 with a MIP. */
  readonly solves: number;
  /** The error's name and message when the plan failed (e.g. the solver's time limit). */
  readonly failure: string | undefined;
}

interface Row {
  readonly result: BenchResult;
  readonly cpuMedianMs: number;
  readonly solverMedianMs: number;
  readonly solverShare: number;
  readonly solves: string;
  readonly model: string;
  readonly orders: string;
  readonly drift: string;
  readonly note: string;
}

/**
 * Times every solve of the wrapped solver, counts the solves of a plan, and remembers the program
 * with the most integer variables (the MIP as the planner states it; the LPs that relax-and-fix
 * derives from it have the same rows and columns).
 */
function timedSolver(inner: LinearSolver): LinearSolver & {
  elapsedMs: number;
  solves: number;
  model: LinearProgram | undefined;
} {
  const integers = (program: LinearProgram) =>
    program.variables.filter((variable) => variable.kind !== 'continuous').length;
  const timed = {
    elapsedMs: 0,
    solves: 0,
    model: undefined as LinearProgram | undefined,
    solve(program: LinearProgram) {
      const start = process.hrtime.bigint();
      try {
        return inner.solve(program);
      } finally {
        timed.elapsedMs += Number(process.hrtime.bigint() - start) / 1e6;
        timed.solves += 1;
        if (timed.model === undefined || integers(program) >= integers(timed.model)) timed.model = program;
      }
    },
  };
  return timed;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function describe(program: LinearProgram | undefined): string {
  if (program === undefined) return 'no solve (nothing to trade)';
  const nonzeros = program.constraints.reduce((sum, constraint) => sum + constraint.terms.length, 0);
  return `${program.variables.length} vars, ${program.constraints.length} rows, ${nonzeros} nonzeros`;
}

let firstOfProcess = true;

function measure(solver: LinearSolver, accounts: number, symbols: number, wholeShares: boolean): Row {
  const name = `${accounts} acct × ${symbols} sym, ${wholeShares ? 'whole' : 'fractional'}`;
  const household = randomHousehold({ seed: 1_000 * accounts + symbols, accounts, symbols, wholeShares });
  const request = { portfolio: household.portfolio, prices: household.prices, asOf: '2016-06-30' };
  const timed = timedSolver(solver);
  const calls: Call[] = [];
  let orders = '-';
  let drift = '-';
  const once = () => {
    timed.elapsedMs = 0;
    timed.solves = 0;
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    let failure: string | undefined;
    try {
      const plan = planRebalance(request, timed);
      orders = String(plan.orders.length);
      drift = `${(plan.drift.portfolioDrift * 100).toFixed(2)}% → ${(plan.after.portfolioDrift * 100).toFixed(2)}%`;
    } catch (error) {
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
    const cpu = process.cpuUsage(cpuStart);
    calls.push({
      totalMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      solverMs: timed.elapsedMs,
      solves: timed.solves,
      failure,
    });
  };

  // The first plans double as a probe of how long this configuration takes; the second one decides,
  // since the first of a process also pays for compiling the solver's WebAssembly to optimised code.
  once();
  if (firstOfProcess) {
    firstOfProcess = false;
    calls.length = 0;
    once();
  }
  const first = calls[0] as Call;
  const firstMs = first.totalMs;
  const capped = firstMs * (RUNS + WARMUP) > budgetMs;
  const runs = capped ? Math.max(1, Math.floor((budgetMs - firstMs) / firstMs)) : RUNS;
  const warmup = capped ? 0 : WARMUP;
  calls.length = 0;
  const result = bench(name, once, { runs, warmup });
  const timedCalls = calls.slice(warmup);
  const total = timedCalls.reduce((sum, call) => sum + call.totalMs, 0);
  const solverTotal = timedCalls.reduce((sum, call) => sum + call.solverMs, 0);
  const failures = timedCalls.filter((call) => call.failure !== undefined);
  const notes = [
    ...(capped
      ? [
          `capped: first plan took ${(firstMs / 1000).toFixed(1)} s${first.failure === undefined ? '' : ' and failed'}, ` +
            `${runs} run(s)`,
        ]
      : []),
    ...(failures.length === 0
      ? []
      : [`${failures.length} of ${timedCalls.length} run(s) fail: ${failures[0]?.failure ?? ''}`]),
  ];
  process.stderr.write(`${name}: median ${result.medianMs.toFixed(1)} ms${capped ? ' (capped)' : ''}\n`);
  return {
    result,
    cpuMedianMs: median(timedCalls.map((call) => call.cpuMs)),
    solverMedianMs: median(timedCalls.map((call) => call.solverMs)),
    solverShare: total > 0 ? solverTotal / total : Number.NaN,
    solves: [...new Set(timedCalls.map((call) => call.solves))].sort().join(', '),
    model: describe(timed.model),
    orders,
    drift,
    note: notes.join('; '),
  };
}

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const solver = await loadHighsSolver();
  const loadBefore = load();
  const rows: Row[] = [];
  for (const accounts of accountSizes) {
    for (const symbols of symbolSizes) {
      for (const wholeShares of [true, false]) rows.push(measure(solver, accounts, symbols, wholeShares));
    }
  }
  printTable(rows.map((row) => row.result));
  const lines = [
    '',
    '| case | CPU median ms | solver median ms | solver share | solves | model | orders | portfolio drift | note |',
    '|---|---:|---:|---:|---:|---|---:|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.result.name} | ${row.cpuMedianMs.toFixed(3)} | ${row.solverMedianMs.toFixed(3)} | ` +
        `${(row.solverShare * 100).toFixed(1)}% | ${row.solves} | ${row.model} | ${row.orders} | ${row.drift} | ${row.note} |`,
    ),
    '',
    `${cpus().length} CPU(s); load average (1, 5, 15 min) ${loadBefore} before, ${load()} after: ` +
      'wall-clock times grow with other load, CPU times much less so.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
