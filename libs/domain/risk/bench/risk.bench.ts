// Risk analytics cost: the batch report for 20 years of daily data, the decomposition of 500 holdings,
// and the streaming update per tick for 50 holdings. Synthetic returns from a seeded generator (timing
// only; the values are irrelevant). Issue 5 targets: full batch report < 200 ms, streaming < 5 µs per holding.
import {
  alphaBeta,
  correlation,
  correlationMatrix,
  covarianceMatrix,
  diversificationRatio,
  downCapture,
  effectiveNumberOfBets,
  informationRatio,
  portfolioRiskReport,
  returnStatistics,
  riskContributions,
  RunningCovariance,
  RunningDrawdown,
  RunningMoments,
  trackingError,
  upCapture,
} from '../src';
import { bench, printTable } from '@ballast/testing';

/** Seeded normal returns (LCG + Box-Muller): N(μ, σ²). */
function normals(count: number, seed: number, mu = 0.0003, sigma = 0.012): Float64Array {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 1)
    out[i] = mu + sigma * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

const DAYS = 5040; // 20 years × 252
const portfolio = normals(DAYS, 1);
const benchmark = normals(DAYS, 2);
const dates = Array.from({ length: DAYS }, (_, i) =>
  new Date(Date.UTC(2004, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
);

const HOLDINGS = 500;
const assets = Array.from({ length: HOLDINGS }, (_, i) => normals(DAYS, 100 + i));
const lastYear = assets.map((a) => a.subarray(DAYS - 252));
const weights = new Float64Array(HOLDINGS).fill(1 / HOLDINGS);
const cov252 = covarianceMatrix(lastYear);
const cov5040 = covarianceMatrix(assets);
const symbols = Array.from({ length: HOLDINGS }, (_, i) => `S${i}`);
const stress = {
  ranges: [{ name: 'a named range', from: dates[1000] as string, to: dates[1200] as string }],
  shocks: [
    {
      name: 'sleeve shock',
      groups: Object.fromEntries(symbols.map((s, i) => [s, i % 2 === 0 ? 'equities' : 'bonds'])),
      groupShocks: { equities: -0.2, bonds: 0.05 },
    },
  ],
};

const TICKS = 1000;
const STREAM_HOLDINGS = 50;
const ticks = Array.from({ length: TICKS }, (_, t) => normals(STREAM_HOLDINGS, 10_000 + t));
const streamWeights = new Float64Array(STREAM_HOLDINGS).fill(1 / STREAM_HOLDINGS);

const results = [
  bench(`series report (returnStatistics), ${DAYS} obs`, () => returnStatistics(portfolio, { dates }), {
    runs: 50,
  }),
  bench(
    `benchmark block (alpha/beta, TE, IR, capture, correlation), ${DAYS} obs`,
    () => [
      alphaBeta(portfolio, benchmark),
      trackingError(portfolio, benchmark),
      informationRatio(portfolio, benchmark),
      upCapture(portfolio, benchmark),
      downCapture(portfolio, benchmark),
      correlation(portfolio, benchmark),
    ],
    { runs: 50 },
  ),
  bench(`covariance ${HOLDINGS} holdings × 252 obs`, () => covarianceMatrix(lastYear), {
    runs: 10,
    warmup: 2,
  }),
  bench(`covariance ${HOLDINGS} holdings × ${DAYS} obs`, () => covarianceMatrix(assets), {
    runs: 3,
    warmup: 1,
  }),
  bench(
    `risk contributions + diversification ratio + correlation, ${HOLDINGS} holdings`,
    () => [
      riskContributions(weights, cov252),
      diversificationRatio(weights, cov252),
      correlationMatrix(cov252),
    ],
    { runs: 30 },
  ),
  bench(
    `effective number of bets (Householder + QL), ${HOLDINGS} holdings, 1-year covariance`,
    () => effectiveNumberOfBets(weights, cov252),
    { runs: 10, warmup: 2 },
  ),
  bench(
    `effective number of bets (Householder + QL), ${HOLDINGS} holdings, 20-year covariance`,
    () => effectiveNumberOfBets(weights, cov5040),
    { runs: 10, warmup: 2 },
  ),
  bench(
    `full batch report, decomposition over the last 252 obs, ${HOLDINGS} holdings × ${DAYS} obs`,
    () =>
      portfolioRiskReport({
        dates,
        symbols,
        assetReturns: assets,
        weights,
        benchmark,
        benchmarkName: 'benchmark',
        stress,
        decompositionWindow: 252,
      }),
    { runs: 5, warmup: 1 },
  ),
  bench(
    `full batch report (portfolioRiskReport: series, benchmark, decomposition, ENB, stress), ${HOLDINGS} holdings × ${DAYS} obs`,
    () =>
      portfolioRiskReport({
        dates,
        symbols,
        assetReturns: assets,
        weights,
        benchmark,
        benchmarkName: 'benchmark',
        stress,
      }),
    { runs: 5, warmup: 1 },
  ),
  bench(
    `streaming: ${TICKS} ticks × ${STREAM_HOLDINGS} holdings (covariance + portfolio moments + drawdown)`,
    () => {
      const cov = new RunningCovariance(STREAM_HOLDINGS);
      const moments = new RunningMoments();
      const drawdown = new RunningDrawdown();
      for (const tick of ticks) {
        cov.add(tick);
        let r = 0;
        for (let i = 0; i < STREAM_HOLDINGS; i += 1) r += (streamWeights[i] as number) * (tick[i] as number);
        moments.add(r);
        drawdown.add(r);
      }
      return drawdown.currentDrawdown;
    },
    { runs: 30 },
  ),
];
printTable(results);

// Wall time above counts whatever else the machine runs; CPU time of this process (user + system,
// process.cpuUsage) does not, so it is the figure to compare across runs on a shared machine.
function cpuMedianMs(fn: () => unknown, runs: number): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)] as number;
}
const cpuCases: [string, () => unknown, number][] = [
  [`covariance ${HOLDINGS} × ${DAYS}`, () => covarianceMatrix(assets), 3],
  [`ENB ${HOLDINGS} holdings`, () => effectiveNumberOfBets(weights, cov252), 5],
  [
    `full batch report, decomposition over 252 obs`,
    () =>
      portfolioRiskReport({
        dates,
        symbols,
        assetReturns: assets,
        weights,
        benchmark,
        stress,
        decompositionWindow: 252,
      }),
    5,
  ],
  [
    `full batch report, decomposition over ${DAYS} obs`,
    () => portfolioRiskReport({ dates, symbols, assetReturns: assets, weights, benchmark, stress }),
    3,
  ],
];
process.stdout.write('\n| case (CPU time) | median CPU ms |\n|---|---:|\n');
for (const [name, fn, runs] of cpuCases)
  process.stdout.write(`| ${name} | ${cpuMedianMs(fn, runs).toFixed(1)} |\n`);
const streaming = results[results.length - 1];
if (streaming !== undefined) {
  const perTickUs = (streaming.medianMs * 1000) / TICKS;
  process.stdout.write(
    `\nstreaming: ${perTickUs.toFixed(2)} µs per tick, ${(perTickUs / STREAM_HOLDINGS).toFixed(3)} µs per holding (median)\n`,
  );
}
