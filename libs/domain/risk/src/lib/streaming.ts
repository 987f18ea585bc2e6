import { LengthMismatchError, InsufficientDataError, NonFiniteValueError } from './errors';

/**
 * Running mean and variance by Welford's method (B. P. Welford, "Note on a method for calculating
 * corrected sums of squares and products", Technometrics 4(3), 1962; Knuth TAOCP vol. 2 §4.2.2):
 * O(1) per observation, numerically stable, equal to the two-pass batch result to ~1e-15 relative.
 */
export class RunningMoments {
  private n = 0;
  private mu = 0;
  private m2 = 0;

  /** Adds one observation; throws NonFiniteValueError (index = its position in the stream). */
  add(x: number): void {
    if (!Number.isFinite(x)) throw new NonFiniteValueError('observation', this.n, x);
    this.n += 1;
    const d = x - this.mu;
    this.mu += d / this.n;
    this.m2 += d * (x - this.mu);
  }

  get count(): number {
    return this.n;
  }

  /** Mean of the observations so far; throws InsufficientDataError before the first. */
  get mean(): number {
    if (this.n < 1) throw new InsufficientDataError('running mean', 1, this.n);
    return this.mu;
  }

  /** Sample variance (n - 1); throws InsufficientDataError below two observations. */
  get variance(): number {
    if (this.n < 2) throw new InsufficientDataError('running variance', 2, this.n);
    return this.m2 / (this.n - 1);
  }

  /** Sample standard deviation (n - 1). */
  get standardDeviation(): number {
    return Math.sqrt(this.variance);
  }
}

/**
 * Running mean vector and sample covariance matrix of a stream of d-dimensional observations
 * (Welford's co-moment update: Cᵢⱼ += (xᵢ - x̄ᵢ,old)(xⱼ - x̄ⱼ,new)), O(d²) per observation, storage
 * d² + 2d floats. Matches covarianceMatrix() to ~1e-15 relative.
 */
export class RunningCovariance {
  private n = 0;
  private readonly mu: Float64Array;
  private readonly delta: Float64Array;
  private readonly comoment: Float64Array;

  constructor(readonly dimension: number) {
    this.mu = new Float64Array(dimension);
    this.delta = new Float64Array(dimension);
    this.comoment = new Float64Array(dimension * dimension);
  }

  /** Adds one observation vector; throws LengthMismatchError or NonFiniteValueError without changing state. */
  add(x: ArrayLike<number>): void {
    const d = this.dimension;
    if (x.length !== d) throw new LengthMismatchError('observation', x.length, 'dimension', d);
    for (let i = 0; i < d; i += 1) {
      const v = x[i] as number;
      if (!Number.isFinite(v)) throw new NonFiniteValueError(`observation ${this.n}`, i, v);
    }
    this.n += 1;
    const inv = 1 / this.n;
    const mu = this.mu;
    const delta = this.delta;
    for (let i = 0; i < d; i += 1) {
      const di = (x[i] as number) - (mu[i] as number);
      delta[i] = di;
      mu[i] = (mu[i] as number) + di * inv;
    }
    const c = this.comoment;
    for (let i = 0; i < d; i += 1) {
      const di = delta[i] as number;
      const row = i * d;
      for (let j = i; j < d; j += 1)
        c[row + j] = (c[row + j] as number) + di * ((x[j] as number) - (mu[j] as number));
    }
  }

  get count(): number {
    return this.n;
  }

  /** Mean of component i. */
  mean(i: number): number {
    if (this.n < 1) throw new InsufficientDataError('running mean', 1, this.n);
    return this.mu[i] as number;
  }

  /** Sample covariance (n - 1) of components i and j. */
  covariance(i: number, j: number): number {
    if (this.n < 2) throw new InsufficientDataError('running covariance', 2, this.n);
    const [a, b] = i <= j ? [i, j] : [j, i];
    return (this.comoment[a * this.dimension + b] as number) / (this.n - 1);
  }

  /** The full sample covariance matrix, row-major (a copy). */
  matrix(): { size: number; values: Float64Array } {
    if (this.n < 2) throw new InsufficientDataError('running covariance', 2, this.n);
    const d = this.dimension;
    const values = new Float64Array(d * d);
    const scale = 1 / (this.n - 1);
    for (let i = 0; i < d; i += 1)
      for (let j = i; j < d; j += 1) {
        const v = (this.comoment[i * d + j] as number) * scale;
        values[i * d + j] = v;
        values[j * d + i] = v;
      }
    return { size: d, values };
  }
}

/**
 * Running drawdown of a return stream, O(1) per observation: current drawdown, maximum drawdown and its
 * peak / trough / recovery indices, equal to maxDrawdown() on the same prefix (same tie rules).
 */
export class RunningDrawdown {
  private n = 0;
  private wealth = 1;
  private peak = 1;
  private peakIdx = -1;
  private worst = 0;
  private worstPeakIdx = -1;
  private worstPeakWealth = 1;
  private troughIdx = -1;
  private recoveryIdx: number | null = null;

  /** Adds one period's simple return; throws NonFiniteValueError. */
  add(r: number): void {
    if (!Number.isFinite(r)) throw new NonFiniteValueError('return', this.n, r);
    const i = this.n;
    this.n += 1;
    this.wealth *= 1 + r;
    if (this.wealth >= this.peak) {
      this.peak = this.wealth;
      this.peakIdx = i;
    }
    const dd = this.wealth / this.peak - 1;
    if (dd < this.worst) {
      this.worst = dd;
      this.worstPeakIdx = this.peakIdx;
      this.worstPeakWealth = this.peak;
      this.troughIdx = i;
      this.recoveryIdx = null;
    } else if (
      this.recoveryIdx === null &&
      this.troughIdx >= 0 &&
      i > this.troughIdx &&
      this.wealth >= this.worstPeakWealth
    ) {
      this.recoveryIdx = i;
    }
  }

  get count(): number {
    return this.n;
  }

  /** Drawdown now: wealth / running peak - 1 (≤ 0). */
  get currentDrawdown(): number {
    return this.wealth / this.peak - 1;
  }

  /** Cumulative return so far. */
  get cumulativeReturn(): number {
    return this.wealth - 1;
  }

  /** Deepest drawdown so far with its indices (see MaxDrawdown for their meaning). */
  get maximum(): {
    maxDrawdown: number;
    peakIndex: number;
    troughIndex: number;
    recoveryIndex: number | null;
  } {
    if (this.troughIdx < 0)
      return { maxDrawdown: 0, peakIndex: this.peakIdx, troughIndex: this.peakIdx, recoveryIndex: null };
    return {
      maxDrawdown: this.worst,
      peakIndex: this.worstPeakIdx,
      troughIndex: this.troughIdx,
      recoveryIndex: this.recoveryIdx,
    };
  }
}
