import { isMissing, isFiniteNumber } from './numbers';
import {
  blackLittermanPosterior,
  blackLittermanWeights,
  defaultOmega,
  idzorekOmega,
  marketImpliedPriorReturns,
  marketImpliedRiskAversion,
  relativeViews,
} from './black-litterman';
import { alignByDate, capmReturn, emaHistoricalReturn, meanHistoricalReturn } from './expected-returns';
import {
  exponentialCovariance,
  pairwiseMoments,
  type RiskModel,
  sampleCovariance,
  semicovariance,
} from './covariance';
import {
  type ConstrainedObjective,
  needsGeneralSolver,
  optimizeWithConstraints,
  type PortfolioConstraints,
} from './constrained';
import { type HighsLike } from './general-qp';
import {
  ConstantSeriesError,
  InvalidInputError,
  NonPositiveDefiniteCovarianceError,
  OptimizerDomainError,
} from './errors';
import { covarianceToCorrelation, hierarchicalRiskParity } from './hrp';
import {
  efficientReturn,
  efficientRisk,
  maxQuadraticUtility,
  maxSharpe,
  type MeanVarianceInput,
  minVolatility,
  portfolioPerformance,
  type WeightBounds,
} from './mean-variance';
import { checkReturns, rowCount, type SeriesMatrix } from './price-matrix';
import { riskBudgeting } from './risk-parity';
import { ledoitWolf, oracleApproximatingShrinkage } from './shrinkage';

export const OBJECTIVES = [
  'min-volatility',
  'max-sharpe',
  'efficient-risk',
  'efficient-return',
  'max-quadratic-utility',
  'risk-parity',
  'hrp',
  'black-litterman',
] as const;
export type ObjectiveName = (typeof OBJECTIVES)[number];

export const EXPECTED_RETURN_MODELS = ['mean', 'arithmetic', 'ema', 'capm', 'forecast'] as const;
export type ExpectedReturnModel = (typeof EXPECTED_RETURN_MODELS)[number];

export const RISK_MODELS = [
  'sample',
  'exp-cov',
  'semicovariance',
  'ledoit-wolf',
  'ledoit-wolf-single-factor',
  'ledoit-wolf-constant-correlation',
  'oas',
] as const;
export type RiskModelName = (typeof RISK_MODELS)[number];

/** A step of the fallback chain: another objective, or the portfolio's current weights. */
export type FallbackStep = ObjectiveName | 'previous-weights';

/**
 * Black-Litterman inputs (PyPortfolioOpt `BlackLittermanModel` defaults: τ 0.05, He-Litterman Ω).
 * When present, the posterior returns and covariance replace the estimates for every objective;
 * the `black-litterman` objective itself returns `bl_weights`, `w ∝ (δΣ)⁻¹ μ_BL`.
 */
export interface BlackLittermanRequest {
  /**
   * `market` (`δ Σ w_mkt + r_f`, needs `marketCaps`; the default when caps are given), `equal`
   * (1/n, as PyPortfolioOpt `pi="equal"`), `historical` (the expected-returns model; the default
   * otherwise) or `none` (zero).
   */
  readonly prior?: 'market' | 'equal' | 'historical' | 'none';
  readonly marketCaps?: Readonly<Record<string, number>>;
  /** δ; default the request's `riskAversion`, else market-implied from the benchmark, else 1. */
  readonly riskAversion?: number;
  readonly tau?: number;
  /** `default` (He-Litterman, `diag(τPΣPᵀ)`) or `idzorek` (needs `confidences`). */
  readonly omega?: 'default' | 'idzorek';
  /** `{asset: return}`. */
  readonly absoluteViews?: Readonly<Record<string, number>>;
  /** View portfolios: `{weights: {asset: coefficient}, return}`; relative views mix signs. */
  readonly views?: readonly { readonly weights: Readonly<Record<string, number>>; readonly return: number }[];
  /** One per view, absolute views first (in key order), each in [0, 1]. */
  readonly confidences?: readonly number[];
}

/**
 * Everything one optimisation needs, with PyPortfolioOpt's defaults: CAGR expected returns,
 * sample covariance, 252 periods a year, risk-free 0.02, long-only bounds [0, 1].
 */
export interface OptimizeRequest {
  /** Periodic (daily by default) simple returns, one column per asset. */
  readonly returns: SeriesMatrix;
  readonly objective: ObjectiveName;
  /** Default `mean` (compounded, CAGR); `forecast` takes `forecasts`. */
  readonly expectedReturns?: ExpectedReturnModel;
  /** User forecasts of annual expected returns by symbol, for `expectedReturns: 'forecast'`. */
  readonly forecasts?: Readonly<Record<string, number>>;
  /** EMA span for `ema` returns (500) and for `exp-cov` (180) when given. */
  readonly span?: number;
  /** Benchmark returns aligned by date with `returns` (see {@link alignByDate}); CAPM's market. */
  readonly benchmarkReturns?: SeriesMatrix;
  /** Default `sample`. */
  readonly riskModel?: RiskModelName;
  readonly frequency?: number;
  readonly riskFreeRate?: number;
  readonly targetVolatility?: number;
  readonly targetReturn?: number;
  /** δ of max quadratic utility (1 by default). */
  readonly riskAversion?: number;
  readonly bounds?: WeightBounds;
  readonly marketNeutral?: boolean;
  readonly l2Gamma?: number;
  readonly blackLitterman?: BlackLittermanRequest;
  /**
   * Steps tried in order when the objective fails with a named domain error (e.g.
   * `['min-volatility', 'previous-weights']`); empty by default: a failure is reported, never hidden.
   */
  readonly fallback?: readonly FallbackStep[];
  /**
   * Current weights by symbol: the `previous-weights` fallback step, and the reference of the
   * transaction cost and turnover limit.
   */
  readonly currentWeights?: Readonly<Record<string, number>>;
  /** Risk budgets by symbol for `risk-parity` (every symbol, positive; normalised): equal by default. */
  readonly riskBudgets?: Readonly<Record<string, number>>;
  /** Asset -> group name (sector, asset class), for `groupBounds`. */
  readonly groups?: Readonly<Record<string, string>>;
  /** Group name -> [lower, upper] on the group's summed weight; `null` for an open side. */
  readonly groupBounds?: Readonly<Record<string, readonly [number | null, number | null]>>;
  /** k of `k Σ|w - w_current|` added to the objective (PyPortfolioOpt `transaction_cost`). */
  readonly transactionCost?: number;
  /** `Σ|w - w_current| ≤ limit`. */
  readonly turnoverLimit?: number;
  /** Benchmark weights by symbol, for `maxTrackingError`. */
  readonly benchmarkWeights?: Readonly<Record<string, number>>;
  /** `sqrt((w - b)ᵀΣ(w - b)) ≤ limit`, annualised. */
  readonly maxTrackingError?: number;
  /** A loaded HiGHS instance: required by group bounds, costs, turnover and tracking error. */
  readonly highs?: HighsLike;
  /** Milliseconds clock for the timings; `performance.now` by default. */
  readonly clock?: () => number;
}

/** The `ballast optimize --json` document. */
export interface OptimizeReport {
  readonly weights: Record<string, number>;
  readonly performance: {
    readonly expectedReturn: number;
    readonly volatility: number;
    readonly sharpe: number;
  };
  readonly diagnostics: {
    readonly objective: ObjectiveName;
    readonly solver: string;
    readonly iterations: number;
    readonly timingsMs: { readonly estimate: number; readonly solve: number };
    /** `null` when the requested objective answered; otherwise the fallback step that did. */
    readonly fallbackUsed: FallbackStep | null;
    readonly warnings: readonly string[];
  };
}

interface Estimates {
  readonly mu: Float64Array;
  readonly risk: RiskModel;
  /** Black-Litterman: the prior covariance (for `bl_weights`) and δ. */
  readonly bl?: { readonly priorCovariance: Float64Array; readonly riskAversion: number };
  /** Why the covariance is singular, when it evidently is (see {@link singularCovarianceReason}). */
  readonly singular?: string;
}

interface Solved {
  readonly weights: Float64Array;
  readonly solver: string;
  readonly iterations: number;
  readonly warnings: readonly string[];
}

/**
 * Throws {@link ConstantSeriesError} naming the first column whose present returns are all equal:
 * a constant price has no risk to model, and every estimator downstream would divide by zero or
 * return a singular matrix.
 */
export function assertNoConstantSeries(returns: SeriesMatrix): void {
  const n = returns.symbols.length;
  const rows = rowCount(returns);
  for (let j = 0; j < n; j += 1) {
    let first = Number.NaN;
    let varies = false;
    for (let t = 0; t < rows; t += 1) {
      const v = returns.values[t * n + j] as number;
      if (isMissing(v)) continue;
      if (isMissing(first)) first = v;
      else if (v !== first) {
        varies = true;
        break;
      }
    }
    if (!varies) throw new ConstantSeriesError(returns.symbols[j] ?? String(j));
  }
}

/**
 * A symbol listed late has its mean and covariances estimated from its own few returns (pairwise-
 * complete observations), which can make it look riskless or brilliant by chance; the answer is
 * still given, as PyPortfolioOpt gives it, but the report says which estimates rest on little data:
 * fewer than half the rows and fewer than a year (252) of returns.
 */
export function shortHistoryWarnings(returns: SeriesMatrix): string[] {
  const n = returns.symbols.length;
  const rows = rowCount(returns);
  const threshold = Math.min(rows / 2, 252);
  const warnings: string[] = [];
  for (let j = 0; j < n; j += 1) {
    let present = 0;
    for (let t = 0; t < rows; t += 1) if (!isMissing(returns.values[t * n + j] as number)) present += 1;
    if (present < threshold) {
      warnings.push(
        `${returns.symbols[j] ?? j} has only ${present} of ${rows} returns: its expected return and covariances rest on ${present} observations`,
      );
    }
  }
  return warnings;
}

/** User forecasts in symbol order; every symbol needs one, and only known symbols may have one. */
function forecastVector(
  symbols: readonly string[],
  forecasts: Readonly<Record<string, number>> | undefined,
): Float64Array {
  if (!forecasts) throw new InvalidInputError('forecast expected returns need forecasts');
  for (const [s, v] of Object.entries(forecasts)) {
    if (!symbols.includes(s)) throw new InvalidInputError(`forecast for ${s}, which is not in the universe`);
    if (!isFiniteNumber(v)) throw new InvalidInputError(`forecast for ${s} is not a finite number`);
  }
  const missing = symbols.filter((s) => forecasts[s] === undefined);
  if (missing.length > 0) throw new InvalidInputError(`no forecast for ${missing.join(', ')}`);
  return Float64Array.from(symbols, (s) => forecasts[s] as number);
}

function estimate(request: OptimizeRequest): Estimates {
  const { returns } = request;
  const frequency = request.frequency ?? 252;
  const riskFreeRate = request.riskFreeRate ?? 0.02;
  if (!(frequency > 0) || !isFiniteNumber(frequency)) {
    throw new InvalidInputError(`frequency must be a positive number, got ${frequency}`);
  }
  checkReturns(returns, 'returns');
  assertNoConstantSeries(returns);
  const market = request.benchmarkReturns ? alignByDate(returns, request.benchmarkReturns) : undefined;
  const model = request.expectedReturns ?? 'mean';
  const mu =
    model === 'forecast'
      ? { values: forecastVector(returns.symbols, request.forecasts) }
      : model === 'mean'
        ? meanHistoricalReturn(returns, { frequency })
        : model === 'arithmetic'
          ? meanHistoricalReturn(returns, { frequency, compounding: false })
          : model === 'ema'
            ? emaHistoricalReturn(returns, { frequency, ...(request.span ? { span: request.span } : {}) })
            : capmReturn(returns, { frequency, riskFreeRate, ...(market ? { marketReturns: market } : {}) });
  const riskModel = request.riskModel ?? 'sample';
  const rows = rowCount(returns);
  const risk =
    riskModel === 'sample'
      ? sampleCovariance(returns, { frequency })
      : riskModel === 'exp-cov'
        ? exponentialCovariance(returns, { frequency, ...(request.span ? { span: request.span } : {}) })
        : riskModel === 'semicovariance'
          ? semicovariance(returns, { frequency })
          : riskModel === 'ledoit-wolf'
            ? ledoitWolf(returns, { frequency })
            : riskModel === 'ledoit-wolf-single-factor'
              ? ledoitWolf(returns, { frequency, target: 'single_factor' })
              : riskModel === 'ledoit-wolf-constant-correlation'
                ? ledoitWolf(returns, { frequency, target: 'constant_correlation' })
                : oracleApproximatingShrinkage(returns, { frequency });
  const singular = singularCovarianceReason(risk, rows);
  const estimates: Estimates = request.blackLitterman
    ? applyBlackLitterman(request, request.blackLitterman, mu.values, risk)
    : { mu: mu.values, risk };
  return singular === undefined ? estimates : { ...estimates, singular };
}

/**
 * Correlation at or beyond which two assets count as moving together exactly: a price series and a
 * multiple of it (a share class and its twin, an ETF listed twice) give 1 - 1e-15 or so after the
 * rounding of returns; 1e-10 leaves room for that and for nothing a real pair of assets shows.
 */
const EXACT_CORRELATION = 1 - 1e-10;

/**
 * The two ways real inputs make a covariance singular, checked in O(n²) on the estimate (a
 * factorisation to test the rank of a 2000-asset matrix would cost more than the solve):
 * - fewer return observations than assets: the sample estimators have rank at most T - 1;
 * - two assets whose returns are exact multiples of each other (|correlation| = 1).
 * Shrinkage estimators (Ledoit-Wolf, OAS) are positive definite by construction and pass. A
 * singular Σ leaves mean-variance and risk-parity answers undetermined (any mix of the twins is
 * equally good), so the objectives that need Σ⁻¹ refuse it by name instead of returning one of them
 * silently; an L2 term (`γ > 0`) makes the problem strictly convex again and lifts the refusal.
 */
export function singularCovarianceReason(risk: RiskModel, observations: number): string | undefined {
  const n = risk.symbols.length;
  if (n > 1 && observations <= n && risk.shrinkage === undefined) {
    return `${n} assets but only ${observations} return observations: the estimate has rank at most ${Math.max(observations - 1, 0)}; use a longer history, a shrinkage risk model (ledoit-wolf, oas) or an L2 term`;
  }
  const m = risk.matrix;
  for (let i = 0; i < n; i += 1) {
    const vi = m[i * n + i] as number;
    for (let j = i + 1; j < n; j += 1) {
      const vj = m[j * n + j] as number;
      const correlation = (m[i * n + j] as number) / Math.sqrt(vi * vj);
      if (Math.abs(correlation) >= EXACT_CORRELATION) {
        return `the returns of ${risk.symbols[i] ?? i} and ${risk.symbols[j] ?? j} are exact multiples of each other (correlation ${correlation.toFixed(12)}), so the matrix is singular; drop one of them, use a shrinkage risk model (ledoit-wolf, oas) or an L2 term`;
      }
    }
  }
  return undefined;
}

function applyBlackLitterman(
  request: OptimizeRequest,
  bl: BlackLittermanRequest,
  historical: Float64Array,
  risk: RiskModel,
): Estimates {
  const symbols = request.returns.symbols;
  const n = symbols.length;
  const riskFreeRate = request.riskFreeRate ?? 0.02;
  const riskAversion =
    bl.riskAversion ??
    request.riskAversion ??
    (request.benchmarkReturns
      ? marketImpliedRiskAversion(request.benchmarkReturns.values, {
          frequency: request.frequency ?? 252,
          riskFreeRate,
        })
      : 1);
  const priorKind = bl.prior ?? (bl.marketCaps ? 'market' : 'historical');
  let prior: Float64Array;
  if (priorKind === 'market') {
    const caps = bl.marketCaps;
    if (!caps) throw new InvalidInputError('a market prior needs market caps');
    for (const s of Object.keys(caps)) {
      if (!symbols.includes(s))
        throw new InvalidInputError(`market cap of ${s}, which is not in the universe`);
    }
    const missing = symbols.filter((s) => caps[s] === undefined);
    if (missing.length > 0) throw new InvalidInputError(`no market cap for ${missing.join(', ')}`);
    prior = marketImpliedPriorReturns(
      Float64Array.from(symbols, (s) => caps[s] as number),
      riskAversion,
      risk.matrix,
      riskFreeRate,
    );
  } else if (priorKind === 'equal') prior = new Float64Array(n).fill(1 / n);
  else if (priorKind === 'none') prior = new Float64Array(n);
  else prior = historical;
  const absolute = bl.absoluteViews ? Object.entries(bl.absoluteViews) : [];
  const views = relativeViews(symbols, [
    ...absolute.map(([asset, ret]) => ({ weights: { [asset]: 1 }, return: ret })),
    ...(bl.views ?? []),
  ]);
  const tau = bl.tau ?? 0.05;
  const omega =
    (bl.omega ?? 'default') === 'idzorek'
      ? idzorekOmega(risk.matrix, views, tau, requireConfidences(bl.confidences))
      : defaultOmega(risk.matrix, views, tau);
  const post = blackLittermanPosterior(risk.matrix, prior, views, omega, tau);
  return {
    mu: post.returns,
    risk: { ...risk, matrix: post.covariance },
    bl: { priorCovariance: risk.matrix, riskAversion },
  };
}

function requireConfidences(confidences: readonly number[] | undefined): readonly number[] {
  if (!confidences) throw new InvalidInputError("Idzorek's method needs one confidence per view");
  return confidences;
}

function weightVector(
  what: string,
  symbols: readonly string[],
  map: Readonly<Record<string, number>>,
): Float64Array {
  for (const s of Object.keys(map)) {
    if (!symbols.includes(s)) throw new InvalidInputError(`${what}: ${s} is not in the universe`);
  }
  return Float64Array.from(symbols, (s) => map[s] ?? 0);
}

/** The request's general constraints in index form, or undefined when there are none. */
export function portfolioConstraints(request: OptimizeRequest): PortfolioConstraints | undefined {
  const symbols = request.returns.symbols;
  const groups: { name: string; members: number[]; lower: number; upper: number }[] = [];
  if (request.groups) {
    for (const s of Object.keys(request.groups)) {
      if (!symbols.includes(s)) throw new InvalidInputError(`groups: ${s} is not in the universe`);
    }
  }
  for (const [name, [lo, hi]] of Object.entries(request.groupBounds ?? {})) {
    const members = symbols.flatMap((s, i) => (request.groups?.[s] === name ? [i] : []));
    if (members.length === 0)
      throw new InvalidInputError(`group ${name} has bounds but no member in the universe`);
    groups.push({ name, members, lower: lo ?? -Infinity, upper: hi ?? Infinity });
  }
  if ((request.benchmarkWeights === undefined) !== (request.maxTrackingError === undefined)) {
    throw new InvalidInputError('benchmark weights and a tracking-error limit go together');
  }
  const c: PortfolioConstraints = {
    ...(groups.length > 0 ? { groups } : {}),
    ...(request.currentWeights
      ? { currentWeights: weightVector('currentWeights', symbols, request.currentWeights) }
      : {}),
    ...(request.transactionCost !== undefined ? { transactionCost: request.transactionCost } : {}),
    ...(request.turnoverLimit !== undefined ? { turnoverLimit: request.turnoverLimit } : {}),
    ...(request.benchmarkWeights
      ? { benchmarkWeights: weightVector('benchmarkWeights', symbols, request.benchmarkWeights) }
      : {}),
    ...(request.maxTrackingError !== undefined ? { maxTrackingError: request.maxTrackingError } : {}),
  };
  return needsGeneralSolver(c) ? c : undefined;
}

function constrainedObjective(
  step: ObjectiveName,
  request: OptimizeRequest,
): ConstrainedObjective | undefined {
  switch (step) {
    case 'min-volatility':
      return { kind: 'min-volatility' };
    case 'max-sharpe':
      return { kind: 'max-sharpe' };
    case 'max-quadratic-utility':
      return { kind: 'max-quadratic-utility', riskAversion: request.riskAversion ?? 1 };
    case 'efficient-return':
      if (request.targetReturn === undefined) throw new InvalidInputError(`${step} needs a target return`);
      return { kind: 'efficient-return', targetReturn: request.targetReturn };
    case 'efficient-risk':
      if (request.targetVolatility === undefined)
        throw new InvalidInputError(`${step} needs a target volatility`);
      return { kind: 'efficient-risk', targetVolatility: request.targetVolatility };
    default:
      return undefined;
  }
}

function solve(step: ObjectiveName, request: OptimizeRequest, e: Estimates): Solved {
  const { returns } = request;
  // HRP clusters on correlations and never inverts Σ, so twins are merely one cluster to it.
  if (e.singular !== undefined && step !== 'hrp' && !((request.l2Gamma ?? 0) > 0)) {
    throw new NonPositiveDefiniteCovarianceError(e.singular);
  }
  const n = returns.symbols.length;
  const general = portfolioConstraints(request);
  if (general) {
    const objective = constrainedObjective(step, request);
    if (!objective) {
      throw new InvalidInputError(
        `${step} takes no group bounds, transaction costs, turnover or tracking-error limits; use a mean-variance objective`,
      );
    }
    if (!request.highs)
      throw new InvalidInputError('group bounds, costs, turnover and tracking error need the HiGHS solver');
    const r = optimizeWithConstraints(
      request.highs,
      objective,
      {
        symbols: returns.symbols,
        covariance: e.risk.matrix,
        expectedReturns: e.mu,
        ...(request.bounds ? { bounds: request.bounds } : {}),
        ...(request.l2Gamma !== undefined ? { l2Gamma: request.l2Gamma } : {}),
      },
      general,
      { riskFreeRate: request.riskFreeRate ?? 0.02, marketNeutral: request.marketNeutral ?? false },
    );
    return {
      weights: r.weights,
      solver: r.diagnostics.solver,
      iterations: r.diagnostics.iterations,
      warnings: r.diagnostics.warnings,
    };
  }
  const riskFreeRate = request.riskFreeRate ?? 0.02;
  const marketNeutral = request.marketNeutral ?? false;
  const input: MeanVarianceInput = {
    symbols: returns.symbols,
    covariance: e.risk.matrix,
    expectedReturns: e.mu,
    ...(request.bounds ? { bounds: request.bounds } : {}),
    ...(request.l2Gamma !== undefined ? { l2Gamma: request.l2Gamma } : {}),
  };
  const fromMeanVariance = (r: ReturnType<typeof minVolatility>): Solved => ({
    weights: r.weights,
    solver: r.diagnostics.solver,
    iterations: r.diagnostics.iterations,
    warnings: r.diagnostics.warnings,
  });
  const needsTarget = (name: string, value: number | undefined): number => {
    if (value === undefined) throw new InvalidInputError(`${step} needs ${name}`);
    return value;
  };
  const onlyMeanVariance = (): void => {
    if (marketNeutral) throw new InvalidInputError(`${step} has no market-neutral form`);
  };
  switch (step) {
    case 'min-volatility':
      onlyMeanVariance();
      return fromMeanVariance(minVolatility(input, { riskFreeRate }));
    case 'max-sharpe':
      onlyMeanVariance();
      return fromMeanVariance(maxSharpe(input, { riskFreeRate }));
    case 'efficient-risk':
      return fromMeanVariance(
        efficientRisk(input, needsTarget('a target volatility', request.targetVolatility), {
          marketNeutral,
          riskFreeRate,
        }),
      );
    case 'efficient-return':
      return fromMeanVariance(
        efficientReturn(input, needsTarget('a target return', request.targetReturn), {
          marketNeutral,
          riskFreeRate,
        }),
      );
    case 'max-quadratic-utility':
      return fromMeanVariance(
        maxQuadraticUtility(input, { riskAversion: request.riskAversion ?? 1, marketNeutral, riskFreeRate }),
      );
    case 'risk-parity': {
      onlyMeanVariance();
      longOnlyDefaultsOnly(step, request);
      const budgets = request.riskBudgets;
      if (budgets) {
        for (const s of Object.keys(budgets)) {
          if (!returns.symbols.includes(s))
            throw new InvalidInputError(`risk budget for ${s}, which is not in the universe`);
        }
        const missing = returns.symbols.filter((s) => budgets[s] === undefined);
        if (missing.length > 0) throw new InvalidInputError(`no risk budget for ${missing.join(', ')}`);
      }
      const r = riskBudgeting(
        e.risk.matrix,
        n,
        budgets ? { budgets: returns.symbols.map((s) => budgets[s] as number) } : {},
      );
      return { weights: r.weights, solver: 'risk-parity-ccd', iterations: r.sweeps, warnings: [] };
    }
    case 'hrp': {
      onlyMeanVariance();
      longOnlyDefaultsOnly(step, request);
      // PyPortfolioOpt HRPOpt(returns) clusters on the pairwise-complete sample correlation; with
      // another risk model the correlation is derived from that model's covariance.
      const correlation =
        (request.riskModel ?? 'sample') === 'sample'
          ? (pairwiseMoments(returns, true).corr as Float64Array)
          : covarianceToCorrelation(e.risk.matrix, n);
      const r = hierarchicalRiskParity(e.risk.matrix, correlation, n);
      return { weights: r.weights, solver: 'hrp-single-linkage', iterations: 0, warnings: [] };
    }
    case 'black-litterman': {
      onlyMeanVariance();
      if (request.bounds !== undefined || (request.l2Gamma ?? 0) !== 0) {
        throw new InvalidInputError(
          'black-litterman weights are the unconstrained (δΣ)⁻¹μ; for bounds or L2, use views with a mean-variance objective',
        );
      }
      if (!e.bl) throw new InvalidInputError('black-litterman needs views (--views FILE)');
      const weights = blackLittermanWeights(e.bl.priorCovariance, e.mu, e.bl.riskAversion);
      return { weights, solver: 'black-litterman-closed-form', iterations: 0, warnings: [] };
    }
  }
}

function longOnlyDefaultsOnly(step: ObjectiveName, request: OptimizeRequest): void {
  if (request.bounds !== undefined || (request.l2Gamma ?? 0) !== 0) {
    throw new InvalidInputError(`${step} is long-only and fully invested; it takes no bounds and no L2 term`);
  }
}

function previousWeights(request: OptimizeRequest): Solved {
  const current = request.currentWeights;
  if (!current) throw new InvalidInputError('the previous-weights fallback needs current weights');
  const weights = Float64Array.from(request.returns.symbols, (s) => current[s] ?? 0);
  return { weights, solver: 'previous-weights', iterations: 0, warnings: [] };
}

/**
 * Estimates expected returns and a risk model from `returns`, solves the objective, and reports
 * weights, performance (with the same μ and Σ used to optimise) and diagnostics, as
 * `ballast optimize --json` prints them.
 *
 * When the objective fails with a named domain error and `fallback` lists steps, each is tried in
 * turn; the step that answered is `diagnostics.fallbackUsed` and every failure before it is a
 * warning. Errors in estimation (bad data) are never caught: no fallback can fix the input.
 */
export function optimizePortfolio(request: OptimizeRequest): OptimizeReport {
  const clock = request.clock ?? (() => performance.now());
  const t0 = clock();
  const e = estimate(request);
  const t1 = clock();
  const warnings: string[] = [...shortHistoryWarnings(request.returns), ...e.risk.warnings];
  const steps: readonly (ObjectiveName | FallbackStep)[] = [request.objective, ...(request.fallback ?? [])];
  let solved: Solved | undefined;
  let used: FallbackStep | null = null;
  let lastError: unknown;
  for (const [k, step] of steps.entries()) {
    try {
      solved = step === 'previous-weights' ? previousWeights(request) : solve(step, request, e);
      used = k === 0 ? null : step;
      break;
    } catch (error) {
      if (!(error instanceof OptimizerDomainError) || k === steps.length - 1) throw error;
      lastError = error;
      warnings.push(`${step} failed: ${error.name}: ${error.message}`);
    }
  }
  if (!solved) throw lastError;
  const answer = solved;
  const t2 = clock();
  const perf = portfolioPerformance(answer.weights, e.risk.matrix, e.mu, request.riskFreeRate ?? 0.02);
  const weights: Record<string, number> = {};
  request.returns.symbols.forEach((s, i) => (weights[s] = answer.weights[i] as number));
  return {
    weights,
    performance: {
      expectedReturn: perf.expectedReturn as number,
      volatility: perf.volatility,
      sharpe: perf.sharpe as number,
    },
    diagnostics: {
      objective: request.objective,
      solver: answer.solver,
      iterations: answer.iterations,
      timingsMs: { estimate: t1 - t0, solve: t2 - t1 },
      fallbackUsed: used,
      warnings: [...warnings, ...answer.warnings],
    },
  };
}
