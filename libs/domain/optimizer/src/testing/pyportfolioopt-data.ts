/**
 * Test data: PyPortfolioOpt's tests/resources/stock_prices.csv and spy_prices.csv (MIT, see
 * fixtures/README.md), parsed. Spec-only helper; the fixtures are read with node:fs by the specs.
 */
import { alignByDate, parseWideCsv, returnsFromPrices, type SeriesMatrix } from '../index';

export function stockReturns(csv: string): SeriesMatrix {
  return returnsFromPrices(parseWideCsv(csv));
}

export function spyReturnsAligned(stock: SeriesMatrix, spyCsv: string): Float64Array {
  return alignByDate(stock, returnsFromPrices(parseWideCsv(spyCsv)));
}
