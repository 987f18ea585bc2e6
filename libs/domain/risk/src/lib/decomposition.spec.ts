// Portfolio decomposition on hand-checkable cases (tolerance 1e-12): Euler risk contributions
// (Roncalli 2013, §2.2), diversification ratio (Choueifaty & Coignard 2008), Meucci's effective number
// of bets (Meucci 2009), whose stated limits are 1 for one bet and n for n equal uncorrelated bets.
import {
  correlationMatrix,
  covarianceMatrix,
  diversificationRatio,
  effectiveNumberOfBets,
  InvalidParameterError,
  LengthMismatchError,
  matrixRows,
  NonFiniteValueError,
  riskContributions,
  type SymmetricMatrix,
  ZeroVarianceError,
} from '../index';

const matrix = (rows: number[][]): SymmetricMatrix => ({
  size: rows.length,
  values: Float64Array.from(rows.flat()),
});
const close = (a: number, b: number, tol = 1e-12) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol);

describe('covariance and correlation', () => {
  it('matches numpy.cov (n - 1) on a 2×4 example', () => {
    // numpy.cov([[1, 2, 3, 4], [2, 4, 6, 9]]) = [[5/3, 23/6], [23/6, 107/12]] (numpy 2.4.6)
    const cov = covarianceMatrix([
      [1, 2, 3, 4],
      [2, 4, 6, 9],
    ]);
    close(cov.values[0] as number, 5 / 3);
    close(cov.values[1] as number, 23 / 6);
    close(cov.values[2] as number, 23 / 6);
    close(cov.values[3] as number, 107 / 12);
    const rho = matrixRows(correlationMatrix(cov));
    close(rho[0]?.[1] as number, 23 / 6 / Math.sqrt((5 / 3) * (107 / 12)));
    expect(rho[0]?.[0]).toBe(1);
  });

  it('rejects ragged, non-finite and flat input with named errors', () => {
    expect(() =>
      covarianceMatrix([
        [1, 2, 3],
        [1, 2],
      ]),
    ).toThrow(LengthMismatchError);
    expect(() => covarianceMatrix([[1, Number.NaN, 3]])).toThrow('asset 0[1] is not a finite number (NaN)');
    expect(() =>
      correlationMatrix(
        matrix([
          [0, 0],
          [0, 1],
        ]),
      ),
    ).toThrow('correlation matrix is undefined: asset 0 has zero variance');
    expect(() =>
      riskContributions(
        [0.5, 0.5],
        matrix([
          [1, 0.2],
          [0.3, 1],
        ]),
      ),
    ).toThrow(InvalidParameterError);
    expect(() =>
      riskContributions(
        [Number.POSITIVE_INFINITY, 0],
        matrix([
          [1, 0],
          [0, 1],
        ]),
      ),
    ).toThrow(NonFiniteValueError);
  });
});

describe('risk contributions', () => {
  it('two uncorrelated assets: contributions are wᵢ²σᵢ²/σₚ', () => {
    const cov = matrix([
      [0.04, 0],
      [0, 0.01],
    ]);
    const rc = riskContributions([0.5, 0.5], cov);
    const vol = Math.sqrt(0.25 * 0.04 + 0.25 * 0.01);
    close(rc.volatility, vol);
    close(rc.contributions[0] as number, (0.25 * 0.04) / vol);
    close(rc.percentages[0] as number, 0.8);
    close(rc.percentages[1] as number, 0.2);
    close(rc.marginal[0] as number, (0.5 * 0.04) / vol);
  });

  it('a hedge has a negative contribution, and the sum still equals σₚ', () => {
    const cov = matrix([
      [0.04, 0.018],
      [0.018, 0.01],
    ]);
    const rc = riskContributions([1, -0.5], cov);
    expect(rc.contributions[1]).toBeLessThan(0);
    close((rc.contributions[0] as number) + (rc.contributions[1] as number), rc.volatility);
  });

  it('a zero-risk portfolio is a ZeroVarianceError; mismatched weights a LengthMismatchError', () => {
    expect(() =>
      riskContributions(
        [0, 0],
        matrix([
          [1, 0],
          [0, 1],
        ]),
      ),
    ).toThrow(ZeroVarianceError);
    expect(() =>
      riskContributions(
        [1],
        matrix([
          [1, 0],
          [0, 1],
        ]),
      ),
    ).toThrow(LengthMismatchError);
  });
});

describe('diversification ratio and effective number of bets', () => {
  it('n equal, uncorrelated assets: DR = √n and ENB = n', () => {
    const n = 5;
    const cov = matrix(
      Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0.04 : 0))),
    );
    const w = new Array<number>(n).fill(1 / n);
    close(diversificationRatio(w, cov), Math.sqrt(n));
    close(effectiveNumberOfBets(w, cov), n, 1e-10);
  });

  it('perfectly correlated assets: DR = 1 and ENB = 1', () => {
    const cov = matrix([
      [0.04, 0.02],
      [0.02, 0.01],
    ]);
    close(diversificationRatio([0.5, 0.5], cov), 1);
    close(effectiveNumberOfBets([0.5, 0.5], cov), 1, 1e-10);
  });

  it('a single holding among uncorrelated assets is one bet', () => {
    const cov = matrix([
      [0.04, 0, 0],
      [0, 0.01, 0],
      [0, 0, 0.02],
    ]);
    close(effectiveNumberOfBets([0, 1, 0], cov), 1, 1e-10);
  });
});
