import { DEFAULT_TAX_EFFICIENCY_RANKING, newMoneyTargets, suggestAssetLocation } from './asset-location';
import { InvalidTaxInputError } from './household';

// Placement rule of the Bogleheads wiki, "Tax-efficient fund placement": tax-inefficient funds
// (bonds, REITs) in tax-advantaged accounts, tax-efficient stock index funds in taxable, municipal
// bonds only in taxable. Household of 100,000: IRA 40,000, Roth 10,000, taxable 50,000.
const assetClassOf = new Map([
  ['BND', 'taxable-bond'],
  ['VNQ', 'reit'],
  ['VTI', 'us-equity'],
  ['VXUS', 'international-equity'],
  ['MUB', 'municipal-bond'],
]);
const accounts = [
  { id: 'ira', type: 'traditional' as const, value: '40000' },
  { id: 'roth', type: 'roth' as const, value: '10000' },
  { id: 'brokerage', type: 'taxable' as const, value: '50000' },
];
const targets = [
  { symbol: 'BND', weight: 0.3 },
  { symbol: 'VNQ', weight: 0.1 },
  { symbol: 'VTI', weight: 0.4 },
  { symbol: 'VXUS', weight: 0.15 },
  { symbol: 'MUB', weight: 0.05 },
];

describe('suggestAssetLocation', () => {
  const suggestion = suggestAssetLocation({ targets, assetClassOf, accounts });
  const rows = (type: 'traditional' | 'roth' | 'taxable') =>
    suggestion.byAccountType[type].map((p) => [p.symbol, p.value, p.weight]);

  it('puts the least tax-efficient assets in the IRA, then the Roth, the most efficient in taxable', () => {
    expect(suggestion.order).toEqual(['VNQ', 'BND', 'VXUS', 'VTI', 'MUB']);
    expect(rows('traditional')).toEqual([
      ['VNQ', '10000.00', 0.25],
      ['BND', '30000.00', 0.75],
    ]);
    expect(rows('roth')).toEqual([['VXUS', '10000.00', 1]]);
    expect(rows('taxable')).toEqual([
      ['MUB', '5000.00', 0.1],
      ['VXUS', '5000.00', 0.1],
      ['VTI', '40000.00', 0.8],
    ]);
  });

  it('keeps the household targets: every symbol’s placed value adds up to its target', () => {
    const placed = new Map<string, number>();
    for (const type of ['traditional', 'roth', 'taxable'] as const) {
      for (const p of suggestion.byAccountType[type])
        placed.set(p.symbol, (placed.get(p.symbol) ?? 0) + Number(p.value));
    }
    for (const t of targets) expect(placed.get(t.symbol)).toBeCloseTo(t.weight * 100_000, 2);
  });

  it('gives the targets for new money by account type', () => {
    expect(newMoneyTargets(suggestion, 'traditional')).toEqual([
      { symbol: 'VNQ', weight: 0.25 },
      { symbol: 'BND', weight: 0.75 },
    ]);
    expect(newMoneyTargets(suggestion, 'roth')).toEqual([{ symbol: 'VXUS', weight: 1 }]);
  });

  it('never puts municipal bonds in a sheltered account while taxable room exists', () => {
    const small = suggestAssetLocation({
      targets: [
        { symbol: 'MUB', weight: 0.5 },
        { symbol: 'BND', weight: 0.5 },
      ],
      assetClassOf,
      accounts: [
        { id: 'ira', type: 'traditional', value: '50000' },
        { id: 'brokerage', type: 'taxable', value: '50000' },
      ],
    });
    expect(small.byAccountType.taxable.map((p) => p.symbol)).toEqual(['MUB']);
    expect(small.byAccountType.traditional.map((p) => p.symbol)).toEqual(['BND']);
  });

  it('documents a default ranking with bonds and REITs before stock index funds', () => {
    const at = (cls: string) => DEFAULT_TAX_EFFICIENCY_RANKING.indexOf(cls as never);
    expect(at('taxable-bond')).toBeLessThan(at('us-equity'));
    expect(at('reit')).toBeLessThan(at('international-equity'));
  });

  it('rejects a target without an asset class, naming it', () => {
    expect(() =>
      suggestAssetLocation({ targets: [{ symbol: 'XYZ', weight: 1 }], assetClassOf, accounts }),
    ).toThrow(InvalidTaxInputError);
    expect(() =>
      suggestAssetLocation({ targets: [{ symbol: 'XYZ', weight: 1 }], assetClassOf, accounts }),
    ).toThrow('assetClassOf.XYZ: no asset class for target XYZ');
    expect(() =>
      suggestAssetLocation({ targets: [{ symbol: 'VTI', weight: 0.5 }], assetClassOf, accounts }),
    ).toThrow('targets: weights must sum to 1');
  });
});
