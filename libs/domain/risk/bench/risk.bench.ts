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
    `effective number of bets (eigendecomposition), ${HOLDINGS} holdings`,
    () => effectiveNumberOfBets(weights, cov252),
    {
      runs: 5,
      warmup: 1,
    },
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
const streaming = results[results.length - 1];
if (streaming !== undefined) {
  const perTickUs = (streaming.medianMs * 1000) / TICKS;
  process.stdout.write(
    `\nstreaming: ${perTickUs.toFixed(2)} µs per tick, ${(perTickUs / STREAM_HOLDINGS).toFixed(3)} µs per holding (median)\n`,
  );
}
