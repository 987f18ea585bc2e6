// Estimate and solve at the sizes of real universes (issue 4, Performance): seeded random daily
// returns, T = 2N observations, annualised sample covariance; then long-only min volatility,
// long-only max Sharpe, and equal risk contribution. Benchmarks measure; they never assert.
import { maxSharpe, minVolatility, riskBudgeting, sampleCovariance, type SeriesMatrix } from '../src';
import { randomReturns, xorshift } from '../src/testing/random-covariance';
import { bench, type BenchResult } from '@ballast/testing';

interface CpuResult extends BenchResult {
  /** Median CPU time (user + system) of the timed runs: steadier than wall time on a shared machine. */
  cpuMedianMs: number;
}

/** {@link bench} plus the median CPU time of the same calls (`process.cpuUsage`). */
function benchCpu(name: string, fn: () => unknown, options: { runs: number; warmup: number }): CpuResult {
  const cpu: number[] = [];
  const r = bench(
    name,
    () => {
      const start = process.cpuUsage();
      const value = fn();
      const used = process.cpuUsage(start);
      cpu.push((used.user + used.system) / 1000);
      return value;
    },
    options,
  );
  const timed = cpu.slice(options.warmup).sort((a, b) => a - b);
  return { ...r, cpuMedianMs: timed[Math.floor(timed.length / 2)] ?? Number.NaN };
}

function printCpuTable(rows: readonly CpuResult[]): void {
  const lines = ['| case | runs | median ms | p95 ms | median CPU ms |', '|---|---:|---:|---:|---:|'];
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${r.runs} | ${r.medianMs.toFixed(3)} | ${r.p95Ms.toFixed(3)} | ${r.cpuMedianMs.toFixed(3)} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function randomDailyReturns(seed: number, n: number, t: number): SeriesMatrix {
  const rand = xorshift(seed);
  // One common factor plus idiosyncratic noise, so that correlations look like equities'.
  const values = new Float64Array(n * t);
  for (let r = 0; r < t; r += 1) {
    const market = 0.01 * (rand() - 0.5);
    for (let j = 0; j < n; j += 1) values[r * n + j] = 0.0003 + market + 0.02 * (rand() - 0.5);
  }
  return {
    symbols: Array.from({ length: n }, (_, j) => `S${j}`),
    dates: Array.from({ length: t }, (_, r) => String(r)),
    values,
  };
}

const sizes = (process.env['OPTIMIZER_BENCH_SIZES'] ?? '100,500,1000,2000').split(',').map(Number);
const results: CpuResult[] = [];
for (const n of sizes) {
  const runs = n <= 500 ? 20 : n <= 1000 ? 5 : 3;
  const warmup = n <= 500 ? 3 : 1;
  const returns = randomDailyReturns(7, n, 2 * n);
  const mu = randomReturns(11, n);
  results.push(
    benchCpu(`estimate: sample covariance, N=${n}, T=${2 * n}`, () => sampleCovariance(returns), {
      runs,
      warmup,
    }),
  );
  const covariance = sampleCovariance(returns).matrix;
  const input = { symbols: returns.symbols, covariance, expectedReturns: mu };
  let freeMinVol = 0;
  let freeSharpe = 0;
  results.push(
    benchCpu(
      `solve: min volatility long-only, N=${n}`,
      () => (freeMinVol = minVolatility(input).weights.filter((w) => w > 0).length),
      {
        runs,
        warmup,
      },
    ),
  );
  results.push(
    benchCpu(
      `solve: max Sharpe long-only, N=${n}`,
      () => (freeSharpe = maxSharpe(input).weights.filter((w) => w > 0).length),
      {
        runs,
        warmup,
      },
    ),
  );
  results.push(
    benchCpu(`solve: equal risk contribution, N=${n}`, () => riskBudgeting(covariance, n), { runs, warmup }),
  );
  process.stderr.write(`N=${n}: ${freeMinVol} assets held at min volatility, ${freeSharpe} at max Sharpe\n`);
}
printCpuTable(results);
