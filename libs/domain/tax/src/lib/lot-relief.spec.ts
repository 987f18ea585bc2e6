import fc from 'fast-check';
import { Decimal } from '@ballast/domain-portfolio';
import {
  InsufficientSharesError,
  InvalidLotError,
  type LotReliefMethod,
  sellFromLots,
  type TaxLot,
} from './lot-relief';

// Three lots of one fund, sold on 2024-06-14 at 50.00 a share (hand-computed example):
//   A: 100 sh bought 2021-03-01 for 3000.00 (30.00/sh, long-term, gain 20/sh)
//   B:  50 sh bought 2023-09-15 for 2750.00 (55.00/sh, short-term, loss 5/sh)
//   C:  80 sh bought 2024-01-10 for 3840.00 (48.00/sh, short-term, gain 2/sh)
//   D:  40 sh bought 2022-11-01 for 2400.00 (60.00/sh, long-term, loss 10/sh)
const lots: TaxLot[] = [
  { lotId: 'A', quantity: '100', costBasis: '3000.00', acquiredOn: '2021-03-01' },
  { lotId: 'B', quantity: '50', costBasis: '2750.00', acquiredOn: '2023-09-15' },
  { lotId: 'C', quantity: '80', costBasis: '3840.00', acquiredOn: '2024-01-10' },
  { lotId: 'D', quantity: '40', costBasis: '2400.00', acquiredOn: '2022-11-01' },
];
const sale = { lots, price: '50.00', soldOn: '2024-06-14' } as const;
const order = (method: LotReliefMethod, quantity = '270') =>
  sellFromLots({ ...sale, quantity, method }).sales.map((s) => s.lotId);

describe('sellFromLots', () => {
  it('orders lots by each method', () => {
    expect(order('fifo')).toEqual(['A', 'D', 'B', 'C']);
    expect(order('lifo')).toEqual(['C', 'B', 'D', 'A']);
    expect(order('hifo')).toEqual(['D', 'B', 'C', 'A']);
    expect(order('lowest-cost')).toEqual(['A', 'C', 'B', 'D']);
    // Short-term loss (B), long-term loss (D), long-term gain (A), short-term gain (C).
    expect(order('tax-minimizing')).toEqual(['B', 'D', 'A', 'C']);
  });

  it('relieves basis pro rata from a partly sold lot and keeps the rest with the lot', () => {
    // FIFO, 130 shares: all of A (100) and 30 of D: D's basis 2400 × 30/40 = 1800 leaves, 600 stays.
    const result = sellFromLots({ ...sale, quantity: '130', method: 'fifo' });
    expect(result.sales).toEqual([
      {
        lotId: 'A',
        acquiredOn: '2021-03-01',
        quantity: '100',
        costBasis: '3000',
        proceeds: '5000',
        gain: '2000',
        term: 'long',
      },
      {
        lotId: 'D',
        acquiredOn: '2022-11-01',
        quantity: '30',
        costBasis: '1800',
        proceeds: '1500',
        gain: '-300',
        term: 'long',
      },
    ]);
    expect(result.remaining).toEqual([
      // Decimal strings come back canonical (no trailing zeros).
      { lotId: 'B', quantity: '50', costBasis: '2750', acquiredOn: '2023-09-15' },
      { lotId: 'C', quantity: '80', costBasis: '3840', acquiredOn: '2024-01-10' },
      { lotId: 'D', quantity: '10', costBasis: '600', acquiredOn: '2022-11-01' },
    ]);
  });

  it('sells exactly the named lots with specific identification', () => {
    const result = sellFromLots({
      ...sale,
      quantity: '25',
      method: 'specific',
      specificLots: [
        { lotId: 'C', quantity: '5' },
        { lotId: 'B', quantity: '20' },
      ],
    });
    expect(result.sales.map((s) => [s.lotId, s.quantity, s.gain])).toEqual([
      ['C', '5', '10'],
      ['B', '20', '-100'],
    ]);
  });

  it('refuses what cannot be done, naming the field, and sells nothing', () => {
    expect(() => sellFromLots({ ...sale, quantity: '271', method: 'fifo' })).toThrow(InsufficientSharesError);
    expect(() => sellFromLots({ ...sale, quantity: '271', method: 'fifo' })).toThrow(
      'cannot sell 271 shares: the lots hold 270',
    );
    expect(() => sellFromLots({ ...sale, quantity: '-1', method: 'fifo' })).toThrow(
      'quantity: -1 must be greater than 0',
    );
    expect(() => sellFromLots({ ...sale, price: 'NaN', quantity: '1', method: 'fifo' })).toThrow(
      InvalidLotError,
    );
    expect(() => sellFromLots({ ...sale, quantity: '1', method: 'specific' })).toThrow(
      'specificLots: the specific method needs',
    );
    expect(() =>
      sellFromLots({
        ...sale,
        quantity: '1',
        method: 'specific',
        specificLots: [{ lotId: 'Z', quantity: '1' }],
      }),
    ).toThrow('specificLots.0.lotId: no lot "Z"');
    expect(() =>
      sellFromLots({
        ...sale,
        quantity: '10',
        method: 'specific',
        specificLots: [{ lotId: 'B', quantity: '5' }],
      }),
    ).toThrow('the named lots cover 5 of 10 shares');
    expect(() =>
      sellFromLots({ ...sale, lots: [...lots, lots[0] as TaxLot], quantity: '1', method: 'fifo' }),
    ).toThrow('lots.4.lotId: duplicate lot id "A"');
  });

  it('conserves shares and basis exactly, for every method (property)', () => {
    const lotArb = fc.record({
      quantity: fc.integer({ min: 1, max: 10_000 }).map((n) => (n / 7).toFixed(4)),
      costBasis: fc.integer({ min: 0, max: 10_000_000 }).map((n) => (n / 100).toFixed(2)),
      acquiredOn: fc
        .integer({ min: 0, max: 3000 })
        .map((d) => new Date(Date.UTC(2015, 0, 1) + d * 86_400_000).toISOString().slice(0, 10)),
    });
    fc.assert(
      fc.property(
        fc.array(lotArb, { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.constantFrom('fifo', 'lifo', 'hifo', 'lowest-cost', 'tax-minimizing' as const),
        (raw, fraction, method) => {
          const input = raw.map((lot, i) => ({
            ...lot,
            lotId: `L${i}`,
            quantity: new Decimal(lot.quantity).greaterThan(0) ? lot.quantity : '1',
          }));
          const held = input.reduce((sum, lot) => sum.plus(lot.quantity), new Decimal(0));
          const quantity = Decimal.max(held.times(fraction).toDecimalPlaces(4, Decimal.ROUND_DOWN), '0.0001');
          const { sales, remaining } = sellFromLots({
            lots: input,
            quantity: quantity.toFixed(),
            price: '42.5',
            soldOn: '2024-06-14',
            method,
          });
          const sum = (values: string[]) => values.reduce((total, v) => total.plus(v), new Decimal(0));
          expect(sum(sales.map((s) => s.quantity)).equals(quantity)).toBe(true);
          expect(
            sum([...sales.map((s) => s.quantity), ...remaining.map((l) => l.quantity)]).equals(held),
          ).toBe(true);
          const basis = sum(input.map((l) => l.costBasis));
          expect(
            sum([...sales.map((s) => s.costBasis), ...remaining.map((l) => l.costBasis)]).equals(basis),
          ).toBe(true);
          for (const s of sales) expect(new Decimal(s.proceeds).minus(s.costBasis).equals(s.gain)).toBe(true);
        },
      ),
    );
  });
});
