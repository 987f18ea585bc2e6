import fc from 'fast-check';
import { Decimal } from '@ballast/domain-portfolio';
import { InvalidAmountError, netCapitalGains } from './capital-loss-netting';

// Cases worked by hand through the Capital Loss Carryover Worksheet of the IRS Instructions for
// Schedule D (Form 1040), lines 4-13, with taxable income high enough that the full annual limit
// (3,000; Publication 550, "Capital Losses") is deductible.
describe('netCapitalGains', () => {
  it.each([
    // [short-term, long-term, carried ST, carried LT, deducted, carry ST, carry LT]
    ['a short-term loss larger than the limit', ['-5000'], [], '0', '0', '3000', '2000', '0'],
    [
      'losses of both terms: the deduction uses the short-term loss first',
      ['-2000'],
      ['-4000'],
      '0',
      '0',
      '3000',
      '0',
      '3000',
    ],
    [
      'a short-term loss partly offset by a long-term gain',
      ['-10000'],
      ['4000'],
      '0',
      '0',
      '3000',
      '3000',
      '0',
    ],
    [
      'a long-term loss partly offset by a short-term gain',
      ['1000'],
      ['-7000'],
      '0',
      '0',
      '3000',
      '0',
      '3000',
    ],
    [
      'a carried-in short-term loss meeting this year’s gains',
      ['1000'],
      ['500'],
      '2500',
      '0',
      '1000',
      '0',
      '0',
    ],
    ['a net loss below the limit is deducted whole', ['-800', '300'], ['-1200'], '0', '0', '1700', '0', '0'],
  ])('%s', (_name, shortTerm, longTerm, carriedShort, carriedLong, deducted, carryShort, carryLong) => {
    const result = netCapitalGains({
      shortTerm,
      longTerm,
      carriedIn: { shortTerm: carriedShort, longTerm: carriedLong },
    });
    expect([result.deductedLoss, result.carryforward.shortTerm, result.carryforward.longTerm]).toEqual([
      deducted,
      carryShort,
      carryLong,
    ]);
  });

  it('nets a gain in one term against a loss in the other, keeping the character of what remains', () => {
    expect(netCapitalGains({ shortTerm: ['5000'], longTerm: ['-2000'] })).toMatchObject({
      netTotal: '3000',
      taxableShortTermGain: '3000',
      taxableLongTermGain: '0',
      deductedLoss: '0',
    });
    expect(netCapitalGains({ shortTerm: ['-2000'], longTerm: ['5000'] })).toMatchObject({
      taxableShortTermGain: '0',
      taxableLongTermGain: '3000',
    });
    expect(netCapitalGains({ shortTerm: ['1000.10'], longTerm: ['2000.20'] })).toMatchObject({
      taxableShortTermGain: '1000.1',
      taxableLongTermGain: '2000.2',
    });
  });

  it('applies the married-filing-separately limit when given', () => {
    expect(netCapitalGains({ shortTerm: ['-5000'], longTerm: [], annualLossLimit: '1500' })).toMatchObject({
      deductedLoss: '1500',
      carryforward: { shortTerm: '3500', longTerm: '0' },
    });
  });

  it('names a malformed amount', () => {
    expect(() => netCapitalGains({ shortTerm: ['12,5'], longTerm: [] })).toThrow(InvalidAmountError);
    expect(() => netCapitalGains({ shortTerm: ['12,5'], longTerm: [] })).toThrow('shortTerm.0: "12,5"');
    expect(() =>
      netCapitalGains({ shortTerm: [], longTerm: [], carriedIn: { shortTerm: '-1', longTerm: '0' } }),
    ).toThrow('carriedIn.shortTerm: -1 must not be negative');
  });

  it('never loses or invents a loss: deducted + carried = net loss, deducted <= limit (property)', () => {
    const cents = fc.integer({ min: -5_000_000, max: 5_000_000 }).map((n) => (n / 100).toFixed(2));
    const positiveCents = fc.integer({ min: 0, max: 2_000_000 }).map((n) => (n / 100).toFixed(2));
    fc.assert(
      fc.property(
        fc.array(cents, { maxLength: 6 }),
        fc.array(cents, { maxLength: 6 }),
        positiveCents,
        positiveCents,
        (st, lt, cs, cl) => {
          const result = netCapitalGains({
            shortTerm: st,
            longTerm: lt,
            carriedIn: { shortTerm: cs, longTerm: cl },
          });
          const netLoss = Decimal.max(new Decimal(result.netTotal).negated(), 0);
          const accounted = new Decimal(result.deductedLoss)
            .plus(result.carryforward.shortTerm)
            .plus(result.carryforward.longTerm);
          expect(accounted.equals(netLoss)).toBe(true);
          expect(new Decimal(result.deductedLoss).lessThanOrEqualTo(3000)).toBe(true);
          const taxed = new Decimal(result.taxableShortTermGain).plus(result.taxableLongTermGain);
          expect(taxed.equals(Decimal.max(new Decimal(result.netTotal), 0))).toBe(true);
        },
      ),
    );
  });
});
