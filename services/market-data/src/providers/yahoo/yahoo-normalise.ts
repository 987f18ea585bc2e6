import Decimal from 'decimal.js';

/** A quote reduced to what a price.tick needs; price a decimal string in a major currency unit. */
export interface YahooQuote {
  symbol: string;
  price: string;
  currency: string;
  asOfMillis: number;
}

export interface YahooBar {
  symbol: string;
  date: string;
  open: string | null;
  high: string | null;
  low: string | null;
  close: string;
  adjClose: string | null;
  volume: number | null;
}

/** A quote or bar that could not be used, with why; the rest of the answer is still used. */
export interface Rejected {
  symbol: string;
  reason: string;
}

/**
 * Yahoo quotes some exchanges in minor units under a pseudo currency code: GBp (pence, London), ZAc
 * (cents, Johannesburg), ILA (agorot, Tel Aviv). They become the ISO currency and a price / 100.
 */
const MINOR_UNITS: Readonly<Record<string, string>> = { GBp: 'GBP', GBX: 'GBP', ZAc: 'ZAR', ILA: 'ILS' };

/** Yahoo's floats (float32 artefacts such as 511.2799987792969) rounded to `places` decimals. */
function decimal(value: unknown, places: number): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null;
  return new Decimal(value).toDecimalPlaces(places).toFixed();
}

function inMajorUnits(price: string, currency: string): { price: string; currency: string } {
  const major = MINOR_UNITS[currency];
  return major === undefined
    ? { price, currency: currency.toUpperCase() }
    : { price: new Decimal(price).dividedBy(100).toFixed(), currency: major };
}

function placesOf(priceHint: unknown): number {
  // priceHint is Yahoo's own display precision (2 for most US listings); never fewer than 2 places.
  return typeof priceHint === 'number' && Number.isInteger(priceHint) && priceHint >= 2 && priceHint <= 8
    ? priceHint
    : 4;
}

/** yahoo-finance2 `quote()` results (regularMarketTime already a Date) into usable quotes. */
export function normaliseQuotes(raw: readonly unknown[]): { quotes: YahooQuote[]; rejected: Rejected[] } {
  const quotes: YahooQuote[] = [];
  const rejected: Rejected[] = [];
  for (const item of raw) {
    const quote = item as {
      symbol?: unknown;
      regularMarketPrice?: unknown;
      regularMarketTime?: unknown;
      currency?: unknown;
      priceHint?: unknown;
    };
    const symbol = typeof quote.symbol === 'string' ? quote.symbol : '(no symbol)';
    const price = decimal(quote.regularMarketPrice, placesOf(quote.priceHint));
    const time = quote.regularMarketTime instanceof Date ? quote.regularMarketTime.getTime() : Number.NaN;
    if (price === null)
      rejected.push({
        symbol,
        reason: `regularMarketPrice ${JSON.stringify(quote.regularMarketPrice)} is not a positive number`,
      });
    else if (Number.isNaN(time)) rejected.push({ symbol, reason: 'no regularMarketTime' });
    else if (typeof quote.currency !== 'string') rejected.push({ symbol, reason: 'no currency' });
    else
      quotes.push({ symbol: symbol.toUpperCase(), ...inMajorUnits(price, quote.currency), asOfMillis: time });
  }
  return { quotes, rejected };
}

/**
 * yahoo-finance2 `chart()` (interval 1d) into daily bars. A daily bar's timestamp is the session's
 * open (13:30 or 14:30 UTC for New York), so its date is read in the exchange's own time zone.
 * Rows without a close (Yahoo sends nulls for a session in progress or a gap) are skipped.
 */
export function normaliseChart(symbol: string, raw: unknown): { bars: YahooBar[]; rejected: Rejected[] } {
  const chart = raw as {
    meta?: { exchangeTimezoneName?: unknown; currency?: unknown; priceHint?: unknown };
    quotes?: {
      date?: unknown;
      open?: unknown;
      high?: unknown;
      low?: unknown;
      close?: unknown;
      adjclose?: unknown;
      volume?: unknown;
    }[];
  };
  if (!Array.isArray(chart.quotes))
    return { bars: [], rejected: [{ symbol, reason: 'chart without quotes' }] };
  const timeZone =
    typeof chart.meta?.exchangeTimezoneName === 'string'
      ? chart.meta.exchangeTimezoneName
      : 'America/New_York';
  const currency = typeof chart.meta?.currency === 'string' ? chart.meta.currency : 'USD';
  const places = placesOf(chart.meta?.priceHint);
  const dateOf = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const scale = (value: string | null) => (value === null ? null : inMajorUnits(value, currency).price);
  const bars: YahooBar[] = [];
  const rejected: Rejected[] = [];
  for (const row of chart.quotes) {
    const close = decimal(row.close, places);
    if (!(row.date instanceof Date) || close === null) {
      if (row.close !== null)
        rejected.push({ symbol, reason: `bar without a date or a positive close: ${JSON.stringify(row)}` });
      continue;
    }
    bars.push({
      symbol: symbol.toUpperCase(),
      date: dateOf.format(row.date),
      open: scale(decimal(row.open, places)),
      high: scale(decimal(row.high, places)),
      low: scale(decimal(row.low, places)),
      close: scale(close) ?? close,
      // Adjusted closes are derived values (dividends, splits): kept at 6 places, not the tick size.
      adjClose: scale(decimal(row.adjclose, 6)),
      volume:
        typeof row.volume === 'number' && Number.isInteger(row.volume) && row.volume >= 0 ? row.volume : null,
    });
  }
  return { bars, rejected };
}
