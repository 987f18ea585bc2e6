import { InvalidTargetsError } from './errors';
import { type TargetWeight } from './holdings';
import { TARGET_SUM_TOLERANCE, cashTargetWeight, validateTargets } from './targets';

describe('validateTargets', () => {
  it('accepts weights summing to 1, to less than 1, or no targets at all', () => {
    expect(() =>
      validateTargets([
        { symbol: 'VTI', weight: 0.6 },
        { symbol: 'BND', weight: 0.4 },
      ]),
    ).not.toThrow();
    expect(() => validateTargets([{ symbol: 'VTI', weight: 0.5 }])).not.toThrow();
    expect(() => validateTargets([{ symbol: 'VTI', weight: 0 }])).not.toThrow();
    expect(() => validateTargets([])).not.toThrow();
  });

  it('accepts a sum above 1 by at most the tolerance (thirds written as decimals), rejects more', () => {
    // 3 × 0.3333333334 = 1.0000000002: 2e-10 over, within 1e-9.
    const thirds = ['A', 'B', 'C'].map((symbol) => ({ symbol, weight: 0.3333333334 }));
    expect(() => validateTargets(thirds)).not.toThrow();
    // 0.5 + 0.500000002 = 1.000000002: 2e-9 over.
    expect(() =>
      validateTargets([
        { symbol: 'A', weight: 0.5 },
        { symbol: 'B', weight: 0.5 + 2 * TARGET_SUM_TOLERANCE },
      ]),
    ).toThrow('Invalid target weights: weights sum to 1.0000000020000002, more than 1');
  });

  it.each<[string, TargetWeight[], string]>([
    [
      'NaN',
      [{ symbol: 'VTI', weight: Number.NaN }],
      'targets[0] (VTI): weight must be a finite number, got NaN',
    ],
    [
      'Infinity',
      [{ symbol: 'VTI', weight: Number.POSITIVE_INFINITY }],
      'targets[0] (VTI): weight must be a finite number, got Infinity',
    ],
    [
      'a string weight from untyped JSON',
      [{ symbol: 'VTI', weight: '0.5' as unknown as number }],
      'targets[0] (VTI): weight must be a finite number, got 0.5',
    ],
    [
      'a negative weight',
      [{ symbol: 'VTI', weight: -0.1 }],
      'targets[0] (VTI): weight must not be negative, got -0.1',
    ],
    [
      'a duplicate symbol',
      [
        { symbol: 'VTI', weight: 0.2 },
        { symbol: 'BND', weight: 0.2 },
        { symbol: 'VTI', weight: 0.3 },
      ],
      'targets[2] (VTI): duplicate symbol, already at targets[0]',
    ],
    ['an empty symbol', [{ symbol: '', weight: 0.1 }], 'targets[0]: symbol must be a non-empty string'],
    [
      'a sum above 1',
      [
        { symbol: 'VTI', weight: 0.7 },
        { symbol: 'BND', weight: 0.5 },
      ],
      'weights sum to 1.2, more than 1',
    ],
  ])('rejects %s', (_case, targets, problem) => {
    expect(() => validateTargets(targets)).toThrow(InvalidTargetsError);
    expect(() => validateTargets(targets)).toThrow(`Invalid target weights: ${problem}`);
  });

  it('lists every problem at once', () => {
    try {
      validateTargets([
        { symbol: 'A', weight: -1 },
        { symbol: 'A', weight: 0.5 },
        { symbol: 'B', weight: Number.NaN },
      ]);
      throw new Error('expected validateTargets to throw');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidTargetsError);
      // The sum is not checked while a weight is not finite: it would be meaningless.
      expect((error as InvalidTargetsError).problems).toEqual([
        'targets[0] (A): weight must not be negative, got -1',
        'targets[1] (A): duplicate symbol, already at targets[0]',
        'targets[2] (B): weight must be a finite number, got NaN',
      ]);
    }
  });
});

describe('cashTargetWeight', () => {
  it('is 1 − Σ targets', () => {
    expect(cashTargetWeight([{ symbol: 'VTI', weight: 0.6 }])).toBe(0.4);
    expect(cashTargetWeight([])).toBe(1);
  });

  it('is exactly 0 for weights that sum to 1 on paper, where naive float summation leaves noise', () => {
    const targets = [
      { symbol: 'A', weight: 0.6 },
      { symbol: 'B', weight: 0.3 },
      { symbol: 'C', weight: 0.1 },
    ];
    expect(1 - (0.6 + 0.3 + 0.1)).toBeGreaterThan(0);
    expect(cashTargetWeight(targets)).toBe(0);
  });
});
