import { netCapitalGains } from '../lib/capital-loss-netting';
import { estimateTax } from '../lib/estimated-tax';
import { type LotReliefMethod, sellFromLots } from '../lib/lot-relief';
import { lot } from './household.fixture';

// IRS Publication 550, "Identifying the shares sold" (FIFO when shares are not identified) and
// 26 CFR 1.1012-1(c); the same sale of 150 shares at 170 on 2024-09-03 under FIFO and HIFO:
//   A: 100 sh bought 2019-01-10 for 10,000 (100/sh)  long-term
//   B: 100 sh bought 2023-06-01 for 18,000 (180/sh)  long-term
//   C: 100 sh bought 2024-03-01 for 16,000 (160/sh)  short-term
describe('scenario: HIFO vs FIFO realized gains on the same sale', () => {
  const lots = [
    lot({ lotId: 'A', costBasis: '10000.00', acquiredOn: '2019-01-10' }),
    lot({ lotId: 'B', costBasis: '18000.00', acquiredOn: '2023-06-01' }),
    lot({ lotId: 'C', costBasis: '16000.00', acquiredOn: '2024-03-01' }),
  ];
  const realize = (method: LotReliefMethod) => {
    const { sales } = sellFromLots({ lots, quantity: '150', price: '170', soldOn: '2024-09-03', method });
    const of = (term: 'short' | 'long') => sales.filter((s) => s.term === term).map((s) => s.gain);
    const netting = netCapitalGains({ shortTerm: of('short'), longTerm: of('long') });
    return { sales, netting, tax: estimateTax(netting, { shortTerm: 0.24, longTerm: 0.15 }) };
  };

  it('FIFO sells A and half of B: a 6,500 gain, 975.00 of tax', () => {
    const { sales, netting, tax } = realize('fifo');
    expect(sales.map((s) => [s.lotId, s.quantity, s.gain, s.term])).toEqual([
      ['A', '100', '7000', 'long'],
      ['B', '50', '-500', 'long'],
    ]);
    expect(netting.netTotal).toBe('6500');
    expect(tax.total).toBe('975.00');
  });

  it('HIFO sells B and half of C: a 500 loss, 120.00 of tax saved', () => {
    const { sales, netting, tax } = realize('hifo');
    expect(sales.map((s) => [s.lotId, s.quantity, s.gain, s.term])).toEqual([
      ['B', '100', '-1000', 'long'],
      ['C', '50', '500', 'short'],
    ]);
    expect(netting.netTotal).toBe('-500');
    expect(tax.total).toBe('-120.00');
  });

  it('both methods take the same proceeds; only the relieved basis differs', () => {
    const fifo = realize('fifo').sales;
    const hifo = realize('hifo').sales;
    const sum = (values: string[]) => values.reduce((a, b) => a + Number(b), 0);
    expect(sum(fifo.map((s) => s.proceeds))).toBe(25500);
    expect(sum(hifo.map((s) => s.proceeds))).toBe(25500);
    expect(sum(fifo.map((s) => s.costBasis))).toBe(19000);
    expect(sum(hifo.map((s) => s.costBasis))).toBe(26000);
  });
});
