import fc from 'fast-check';
import { Decimal } from '@ballast/domain-portfolio';
import { LOT_RELIEF_METHODS, sellFromLots, type TaxLot } from '../lib/lot-relief';
import { findWashSales, type LossSale, type Purchase } from '../lib/wash-sale';
import { addDays } from './household.fixture';

// Invariants of the tax engine (issue 6, "Verification"), over random households:
//  1. realized gain = proceeds − relieved basis, per lot and in total;
//  2. no share is relieved twice: over a sequence of sales, each lot gives up at most its shares,
//     and what was sold plus what remains equals what was held, lot by lot;
//  3. disallowed + allowed losses = total losses, exactly, and no replacement share is used twice
//     (26 U.S.C. 1091; Treas. Reg. 1.1091-1(e)).
const sum = (values: readonly string[]) => values.reduce((total, v) => total.plus(v), new Decimal(0));
const dateArb = fc.integer({ min: 0, max: 2500 }).map((d) => addDays('2017-01-01', d));
const lotsArb = fc
  .array(
    fc.record({
      quantity: fc.integer({ min: 1, max: 50_000 }).map((n) => (n / 8).toFixed(3)),
      costBasis: fc.integer({ min: 0, max: 5_000_000 }).map((n) => (n / 100).toFixed(2)),
      acquiredOn: dateArb,
    }),
    { minLength: 1, maxLength: 7 },
  )
  .map((raw): TaxLot[] => raw.map((l, i) => ({ ...l, lotId: `L${i}` })));

describe('tax engine properties', () => {
  it('realized gain equals proceeds minus relieved basis (every method)', () => {
    fc.assert(
      fc.property(
        lotsArb,
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 100_000 }).map((n) => (n / 100).toFixed(2)),
        fc.constantFrom(...LOT_RELIEF_METHODS.filter((m) => m !== 'specific')),
        (lots, fraction, price, method) => {
          const held = sum(lots.map((l) => l.quantity));
          const quantity = Decimal.max(held.times(fraction).toDecimalPlaces(3, Decimal.ROUND_DOWN), '0.001');
          const { sales } = sellFromLots({
            lots,
            quantity: quantity.toFixed(),
            price,
            soldOn: '2024-12-31',
            method,
          });
          for (const s of sales) {
            expect(new Decimal(s.gain).equals(new Decimal(s.proceeds).minus(s.costBasis))).toBe(true);
            expect(new Decimal(s.proceeds).equals(new Decimal(price).times(s.quantity))).toBe(true);
          }
          const gain = sum(sales.map((s) => s.gain));
          expect(
            gain.equals(new Decimal(price).times(quantity).minus(sum(sales.map((s) => s.costBasis)))),
          ).toBe(true);
        },
      ),
    );
  });

  it('relieves no share twice over a sequence of sales', () => {
    fc.assert(
      fc.property(
        lotsArb,
        fc.array(
          fc.tuple(
            fc.double({ min: 0.01, max: 0.6, noNaN: true }),
            fc.constantFrom('fifo', 'lifo', 'hifo', 'lowest-cost', 'tax-minimizing' as const),
          ),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        (lots, steps) => {
          let remaining: readonly TaxLot[] = lots;
          const sold = new Map<string, Decimal>();
          for (const [fraction, method] of steps) {
            const held = sum(remaining.map((l) => l.quantity));
            const quantity = held.times(fraction).toDecimalPlaces(3, Decimal.ROUND_DOWN);
            if (quantity.isZero()) continue;
            const result = sellFromLots({
              lots: remaining,
              quantity: quantity.toFixed(),
              price: '50',
              soldOn: '2024-12-31',
              method,
            });
            for (const s of result.sales) {
              sold.set(s.lotId, (sold.get(s.lotId) ?? new Decimal(0)).plus(s.quantity));
            }
            remaining = result.remaining;
          }
          for (const original of lots) {
            const gone = sold.get(original.lotId) ?? new Decimal(0);
            const left = sum(remaining.filter((l) => l.lotId === original.lotId).map((l) => l.quantity));
            expect(gone.lessThanOrEqualTo(original.quantity)).toBe(true);
            expect(gone.plus(left).equals(original.quantity)).toBe(true);
          }
        },
      ),
    );
  });

  it('splits losses into disallowed and allowed parts that add up to the total, each replacement share used once', () => {
    const symbolArb = fc.constantFrom('VTI', 'ITOT', 'BND');
    const salesArb = fc.array(
      fc.record({
        accountId: fc.constantFrom('brokerage', 'spouse'),
        symbol: symbolArb,
        soldOn: dateArb,
        quantity: fc.integer({ min: 1, max: 1000 }).map(String),
        loss: fc.integer({ min: 1, max: 1_000_000 }).map((n) => (n / 100).toFixed(2)),
      }),
      { maxLength: 8 },
    );
    const purchasesArb = fc.array(
      fc.record({
        accountId: fc.constantFrom('brokerage', 'ira', 'roth'),
        symbol: symbolArb,
        boughtOn: dateArb,
        quantity: fc.integer({ min: 1, max: 1000 }).map(String),
      }),
      { maxLength: 8 },
    );
    const identical = (symbol: string) => (symbol === 'ITOT' ? 'VTI' : symbol);
    fc.assert(
      fc.property(salesArb, purchasesArb, (rawSales, rawPurchases) => {
        const sales: LossSale[] = rawSales.map((s, i) => ({
          ...s,
          saleId: `S${i}`,
          acquiredOn: addDays(s.soldOn, -400),
        }));
        const purchases: Purchase[] = rawPurchases.map((p, i) => ({
          ...p,
          purchaseId: `P${i}`,
          accountType:
            p.accountId === 'brokerage' ? 'taxable' : p.accountId === 'ira' ? 'traditional' : 'roth',
        }));
        const report = findWashSales(sales, purchases, identical);
        const total = sum(sales.map((s) => s.loss));
        const allowed = sum([...report.allowedLoss.values()]);
        const disallowed = sum(report.matches.map((m) => m.disallowedLoss));
        expect(allowed.plus(disallowed).equals(total)).toBe(true);
        for (const s of sales) {
          const own = report.matches.filter((m) => m.saleId === s.saleId);
          expect(sum(own.map((m) => m.quantity)).lessThanOrEqualTo(s.quantity)).toBe(true);
          expect(new Decimal(report.allowedLoss.get(s.saleId) ?? 'NaN').isNegative()).toBe(false);
        }
        for (const p of purchases) {
          const used = sum(
            report.matches.filter((m) => m.purchaseId === p.purchaseId).map((m) => m.quantity),
          );
          expect(used.lessThanOrEqualTo(p.quantity)).toBe(true);
        }
        for (const m of report.matches) {
          const sale = sales.find((s) => s.saleId === m.saleId);
          const purchase = purchases.find((p) => p.purchaseId === m.purchaseId);
          expect(identical(sale?.symbol ?? '')).toBe(identical(purchase?.symbol ?? '?'));
          const gap =
            Math.abs(Date.parse(sale?.soldOn ?? '') - Date.parse(purchase?.boughtOn ?? '')) / 86_400_000;
          expect(gap).toBeLessThanOrEqual(30);
          expect(m.treatment).toBe(
            purchase?.accountType === 'taxable' ? 'basis-adjusted' : 'permanently-disallowed',
          );
        }
      }),
    );
  });
});
