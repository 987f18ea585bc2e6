import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Dates and daily simple returns of a fixture CSV `date,SPY` under libs/domain/risk/fixtures. */
export function loadSpyReturns(file: string): { dates: string[]; prices: number[]; returns: number[] } {
  const text = readFileSync(path.join(__dirname, '../../fixtures', file), 'utf8');
  const rows = text.trim().split('\n').slice(1);
  const dates: string[] = [];
  const prices: number[] = [];
  for (const row of rows) {
    const [date, price] = row.split(',');
    dates.push(String(date));
    prices.push(Number(price));
  }
  const returns: number[] = [];
  for (let i = 1; i < prices.length; i += 1)
    returns.push((prices[i] as number) / (prices[i - 1] as number) - 1);
  return { dates: dates.slice(1), prices, returns };
}
