import { type WidePrices } from '@ballast/domain-portfolio';

/** Business days from 2015-01-02 with deterministic prices: three assets with different paths. */
export function syntheticPrices(days: number, shock?: { from: number; factor: number }): WidePrices {
  const symbols = ['AAA', 'BBB', 'CCC'];
  const rows: { date: string; prices: Map<string, string> }[] = [];
  let date = Date.parse('2015-01-02T00:00:00Z');
  for (let t = 0; t < days; t += 1) {
    while ([0, 6].includes(new Date(date).getUTCDay())) date += 86_400_000;
    const factor = shock !== undefined && t >= shock.from ? shock.factor : 1;
    const prices = new Map<string, string>([
      ['AAA', (100 * Math.exp(0.0006 * t + 0.05 * Math.sin(t / 9)) * factor).toFixed(4)],
      ['BBB', (50 * Math.exp(0.0001 * t + 0.02 * Math.cos(t / 15))).toFixed(4)],
      ['CCC', (20 * Math.exp(-0.0002 * t + 0.08 * Math.sin(t / 23))).toFixed(4)],
    ]);
    rows.push({ date: new Date(date).toISOString().slice(0, 10), prices });
    date += 86_400_000;
  }
  return { symbols, rows };
}
