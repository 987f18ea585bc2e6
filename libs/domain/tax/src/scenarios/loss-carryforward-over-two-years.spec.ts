import { netCapitalGains } from '../lib/capital-loss-netting';
import { estimateTax } from '../lib/estimated-tax';

// 26 U.S.C. 1211(b) (3,000 a year against ordinary income) and 1212(b) (the rest carries forward,
// keeping its character); IRS Publication 550, "Capital Losses", and the Capital Loss Carryover
// Worksheet of the Schedule D instructions.
describe('scenario: a loss carried forward over two years', () => {
  const rates = { shortTerm: 0.24, longTerm: 0.15, state: 0.05 };

  it('deducts 3,000 a year and carries the rest until it is used up', () => {
    // Year 1: a 10,000 short-term loss, a 1,000 long-term gain: net loss 9,000.
    const year1 = netCapitalGains({ shortTerm: ['-10000'], longTerm: ['1000'] });
    expect(year1.deductedLoss).toBe('3000');
    expect(year1.carryforward).toEqual({ shortTerm: '6000', longTerm: '0' });
    expect(estimateTax(year1, rates).total).toBe('-870.00'); // 3,000 × (24% + 5%) saved

    // Year 2: no trades; 6,000 carried in, 3,000 deducted, 3,000 carried on.
    const year2 = netCapitalGains({ shortTerm: [], longTerm: [], carriedIn: year1.carryforward });
    expect(year2.deductedLoss).toBe('3000');
    expect(year2.carryforward).toEqual({ shortTerm: '3000', longTerm: '0' });

    // Year 3: a 2,000 long-term gain absorbs 2,000 of the carried loss, the last 1,000 is deducted.
    const year3 = netCapitalGains({ shortTerm: [], longTerm: ['2000'], carriedIn: year2.carryforward });
    expect([year3.taxableLongTermGain, year3.deductedLoss]).toEqual(['0', '1000']);
    expect(year3.carryforward).toEqual({ shortTerm: '0', longTerm: '0' });
  });

  it('honours a configured annual limit (1,500 married filing separately)', () => {
    const year1 = netCapitalGains({ shortTerm: ['-4000'], longTerm: [], annualLossLimit: '1500' });
    const year2 = netCapitalGains({
      shortTerm: [],
      longTerm: [],
      carriedIn: year1.carryforward,
      annualLossLimit: '1500',
    });
    expect([year1.deductedLoss, year2.deductedLoss, year2.carryforward.shortTerm]).toEqual([
      '1500',
      '1500',
      '1000',
    ]);
  });
});
