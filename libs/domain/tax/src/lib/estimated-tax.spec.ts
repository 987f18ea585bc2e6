import { InvalidAmountError, netCapitalGains } from './capital-loss-netting';
import { estimateTax } from './estimated-tax';

describe('estimateTax', () => {
  it('taxes each character at its rate and the state rate on both (hand-computed)', () => {
    // Net ST gain 1,000 at 35% = 350; net LT gain 10,000 at 15% = 1,500; state 5% of 11,000 = 550.
    const netting = netCapitalGains({ shortTerm: ['1500', '-500'], longTerm: ['10000'] });
    expect(estimateTax(netting, { shortTerm: 0.35, longTerm: 0.15, state: 0.05 })).toEqual({
      shortTermTax: '350.00',
      longTermTax: '1500.00',
      stateTax: '550.00',
      lossDeductionSaving: '0.00',
      total: '2400.00',
    });
  });

  it('counts the saving of a deducted net loss at the ordinary rate', () => {
    // Net loss 5,000: 3,000 deducted at 24% + 5% state = 870 saved; 2,000 carried forward.
    const netting = netCapitalGains({ shortTerm: ['-5000'], longTerm: [] });
    expect(
      estimateTax(netting, { shortTerm: 0.32, longTerm: 0.15, state: 0.05, ordinaryIncome: 0.24 }),
    ).toMatchObject({
      lossDeductionSaving: '870.00',
      total: '-870.00',
    });
  });

  it('rounds each line to cents, half to even', () => {
    // 0.05 × 10% = 0.005: a tie, to the even cent 0.00; 0.15 × 10% = 0.015: a tie, to 0.02.
    const tax = (gain: string) =>
      estimateTax(netCapitalGains({ shortTerm: [], longTerm: [gain] }), { shortTerm: 0.35, longTerm: 0.1 })
        .longTermTax;
    expect(tax('0.05')).toBe('0.00');
    expect(tax('0.15')).toBe('0.02');
  });

  it('refuses a rate given as a percentage', () => {
    const netting = netCapitalGains({ shortTerm: ['100'], longTerm: [] });
    expect(() => estimateTax(netting, { shortTerm: 35, longTerm: 0.15 })).toThrow(InvalidAmountError);
    expect(() => estimateTax(netting, { shortTerm: 35, longTerm: 0.15 })).toThrow(
      'rates.shortTerm: 35 must be a fraction',
    );
  });
});
