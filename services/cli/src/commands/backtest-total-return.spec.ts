import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseLeanFactorFile } from '@ballast/domain-backtest';
import { readLeanDataset } from '../inputs/lean-data';
import { ballast, scratchFiles } from '../testing/run-in-process';

jest.setTimeout(120_000);

const lean = path.resolve(__dirname, '../../data/lean');

/**
 * The backtester's total return against an independent reference: QuantConnect Lean's own
 * split- and dividend-adjusted SPY closes (raw close x price factor x split factor, from the factor
 * file shipped with the data). Buy and hold from cash in a Roth, fractional shares, no costs,
 * dividends reinvested: its value must follow the adjusted series. Lean reinvests a dividend at the
 * previous close less the dividend, the backtester at the ex-date close (as a broker's plan does),
 * so the two drift apart by a few parts in ten thousand over years; the bound says how many.
 */
describe('ballast backtest total return over Lean data', () => {
  it('buy and hold SPY with dividends reinvested tracks Lean adjusted closes within 0.1% over 2004-2016', async () => {
    const dir = scratchFiles({
      'spy.yaml': [
        'prices: { lean: LEAN, symbols: [SPY] }'.replace('LEAN', JSON.stringify(lean)),
        "from: '2004-01-02'",
        "to: '2016-06-30'",
        'household:',
        '  id: spy',
        '  accounts: [{ id: roth, type: roth, cash: "100000", lots: [] }]',
        '  targets: { SPY: 1 }',
        '  policy: { wholeShares: false, minTradeValue: "0", cashBuffer: 0, costs: { commission: "0", spreadBps: 0 } }',
        'fill: same-close',
        'policies: [{ name: hold, rebalance: false }]',
      ].join('\n'),
    });
    const run = await ballast(['backtest', '--config', path.join(dir, 'spy.yaml'), '--json', '--series']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout) as {
      pricesOnly: boolean;
      policies: { metrics: { dividends: number }; series: { dates: string[]; value: number[] } }[];
    };
    expect(document.pricesOnly).toBe(false);
    const { dates, value } = document.policies[0]!.series;
    expect(document.policies[0]!.metrics.dividends).toBeGreaterThan(0);

    const factors = parseLeanFactorFile('SPY', readFileSync(path.join(lean, 'factor_files/spy.csv'), 'utf8'));
    const rawCloses = new Map<string, number>();
    const dataset = await readLeanDataset(lean, ['SPY']);
    for (const row of dataset.prices.rows) rawCloses.set(row.date, Number(row.prices.get('SPY')));
    const adjusted = (date: string) => {
      const factor = factors.find((row) => row.date >= date);
      const close = rawCloses.get(date)!;
      return factor === undefined ? close : close * factor.priceFactor * factor.splitFactor;
    };
    let worst = 0;
    dates.forEach((date, t) => {
      const ours = value[t]! / value[0]!;
      const reference = adjusted(date) / adjusted(dates[0]!);
      worst = Math.max(worst, Math.abs(ours / reference - 1));
    });
    expect(worst).toBeLessThan(1e-3);
  });
});
