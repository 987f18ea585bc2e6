import { priceMap } from '../testing/portfolio.fixtures';
import { BAND_TOLERANCE, type BandBreach, findBandBreaches, nextBandState } from './bands';
import { type DriftReport, computeDrift } from './drift';
import { InvalidBandError } from './errors';
import { valuePortfolio } from './valuation';

/**
 * AAA at price `price` (100 units) and BBB at `bbbPrice` (100 units), no cash, targets 50 % / 50 %.
 * AAA's weight is price / (price + bbbPrice).
 */
function report(price: string, bbbPrice = '100'): DriftReport {
  const valuation = valuePortfolio(
    {
      cash: '0',
      positions: [
        { symbol: 'AAA', quantity: '100' },
        { symbol: 'BBB', quantity: '100' },
      ],
    },
    priceMap({ AAA: price, BBB: bbbPrice }),
  );
  return computeDrift(valuation, [
    { symbol: 'AAA', weight: 0.5 },
    { symbol: 'BBB', weight: 0.5 },
  ]);
}

/** One position `AAA` of `quantity` at 1 with cash `cash`, target 50 %, the rest (50 %) in cash. */
function oneSymbolReport(quantity: string, cash: string): DriftReport {
  const valuation = valuePortfolio(
    { cash, positions: [{ symbol: 'AAA', quantity }] },
    priceMap({ AAA: '1' }),
  );
  return computeDrift(valuation, [{ symbol: 'AAA', weight: 0.5 }]);
}

describe('findBandBreaches', () => {
  it('does not fire for a drift exactly at the band, although float noise puts it a hair beyond', () => {
    // Weight 55 / 100 = 0.55; drift 0.55 − 0.5 is 0.050000000000000044 in doubles, above 0.05.
    const atBand = oneSymbolReport('55', '45');
    expect(atBand.rows[0]?.drift).toBeGreaterThan(500 / 10_000);
    expect(atBand.rows[0]?.drift).toBeLessThan(500 / 10_000 + BAND_TOLERANCE);
    expect(findBandBreaches(atBand, 500)).toEqual([]);
    // Same on the under side: weight 0.45.
    expect(findBandBreaches(oneSymbolReport('45', '55'), 500)).toEqual([]);
  });

  it('fires just over the band, in either direction', () => {
    // Weight 55.01 / 100 = 0.5501: drift 0.0501, 1 bp beyond a 500 bp band.
    expect(findBandBreaches(oneSymbolReport('55.01', '44.99'), 500)).toEqual([
      { symbol: 'AAA', drift: expect.closeTo(0.0501, 15) as number, bandBps: 500, direction: 'over' },
    ]);
    expect(findBandBreaches(oneSymbolReport('44.99', '55.01'), 500)).toEqual([
      { symbol: 'AAA', drift: expect.closeTo(-0.0501, 15) as number, bandBps: 500, direction: 'under' },
    ]);
  });

  it('reports every row beyond the band, in symbol order, and ignores cash', () => {
    // AAA at 150, BBB at 100: weights 15000 / 25000 = 0.6 and 0.4, drifts +0.1 and −0.1.
    const breaches = findBandBreaches(report('150'), 500);
    expect(breaches.map((b) => [b.symbol, b.direction])).toEqual([
      ['AAA', 'over'],
      ['BBB', 'under'],
    ]);
    // Cash 30 % above its 0 % target is no breach: only rows have bands.
    const cashHeavy = computeDrift(
      valuePortfolio({ cash: '30', positions: [{ symbol: 'AAA', quantity: '70' }] }, priceMap({ AAA: '1' })),
      [{ symbol: 'AAA', weight: 1 }],
    );
    expect(findBandBreaches(cashHeavy, 5_000)).toEqual([]);
  });

  it('with a zero band, fires on any drift beyond float noise', () => {
    expect(findBandBreaches(report('100'), 0)).toEqual([]);
    expect(findBandBreaches(report('100.01'), 0).map((b) => b.symbol)).toEqual(['AAA', 'BBB']);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, -1])('throws InvalidBandError for %p bps', (bandBps) => {
    expect(() => findBandBreaches(report('100'), bandBps)).toThrow(InvalidBandError);
    expect(() => findBandBreaches(report('100'), bandBps)).toThrow(
      `Band must be a finite, non-negative number of basis points, got ${bandBps}`,
    );
  });
});

describe('nextBandState (once per crossing)', () => {
  const bandBps = 500;
  // AAA's weight for each price with BBB at 100: 100 -> 0.5, 105 -> 0.512, 125 -> 0.556, 140 -> 0.583.
  function step(previous: ReadonlySet<string>, aaaPrice: string) {
    return nextBandState(previous, findBandBreaches(report(aaaPrice), bandBps));
  }

  it('fires on in -> out, stays quiet while out, re-arms when back in, fires again on the next crossing', () => {
    const inBand = step(new Set(), '105');
    expect(inBand.newlyBreached).toEqual([]);
    expect([...inBand.outOfBand]).toEqual([]);

    const crossed = step(inBand.outOfBand, '125');
    expect(crossed.newlyBreached.map((b) => b.symbol)).toEqual(['AAA', 'BBB']);
    expect([...crossed.outOfBand].sort()).toEqual(['AAA', 'BBB']);

    const stillOut = step(crossed.outOfBand, '140');
    expect(stillOut.newlyBreached).toEqual([]);
    expect([...stillOut.outOfBand].sort()).toEqual(['AAA', 'BBB']);

    const backIn = step(stillOut.outOfBand, '100');
    expect(backIn.newlyBreached).toEqual([]);
    expect([...backIn.outOfBand]).toEqual([]);

    const outAgain = step(backIn.outOfBand, '125');
    expect(outAgain.newlyBreached.map((b) => b.symbol)).toEqual(['AAA', 'BBB']);
  });

  it('tracks symbols independently', () => {
    const breach = (symbol: string, drift: number): BandBreach => ({
      symbol,
      drift,
      bandBps,
      direction: drift > 0 ? 'over' : 'under',
    });
    const first = nextBandState(new Set(), [breach('A', 0.06)]);
    expect(first.newlyBreached.map((b) => b.symbol)).toEqual(['A']);
    // A stays out, B crosses: only B fires.
    const second = nextBandState(first.outOfBand, [breach('A', 0.07), breach('B', -0.06)]);
    expect(second.newlyBreached).toEqual([breach('B', -0.06)]);
    // A returns, B stays out: nothing fires; A is re-armed.
    const third = nextBandState(second.outOfBand, [breach('B', -0.08)]);
    expect(third.newlyBreached).toEqual([]);
    expect([...third.outOfBand]).toEqual(['B']);
    const fourth = nextBandState(third.outOfBand, [breach('A', -0.06), breach('B', -0.08)]);
    expect(fourth.newlyBreached).toEqual([breach('A', -0.06)]);
  });

  it('is pure: the previous state is not modified and equal inputs give equal outputs', () => {
    const previous = new Set(['A']);
    const breaches: BandBreach[] = [{ symbol: 'B', drift: 0.1, bandBps, direction: 'over' }];
    const a = nextBandState(previous, breaches);
    const b = nextBandState(previous, breaches);
    expect([...previous]).toEqual(['A']);
    expect(a).toEqual(b);
    expect(a.outOfBand).not.toBe(previous);
  });
});
