import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import {
  type CorporateActions,
  type Dividend,
  type Split,
  corporateActionsFromLeanFactorFile,
} from '@ballast/domain-backtest';
import { type WidePrices, type WidePricesRow } from '@ballast/domain-portfolio';

/**
 * Reader of QuantConnect Lean's US equity data folder (`Data/equity/usa` in QuantConnect/Lean):
 * `daily/<sym>.zip` (one CSV `yyyymmdd 00:00,open,high,low,close,volume`, prices x 10000, raw),
 * `factor_files/<sym>.csv` (dividend and split factors) and `map_files/<sym>.csv` (ticker history).
 */

/** Lean data this reader cannot use; the message names the file. */
export class LeanDataError extends Error {
  override readonly name = 'LeanDataError';

  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** Raw closes and opens of several symbols plus the corporate actions that apply to them. */
export interface LeanDataset {
  /** Raw (unadjusted) closes, decimal strings; a symbol is absent on days it has no bar. */
  readonly prices: WidePrices;
  /**
   * Raw opens of the same bars: unadjusted like the closes, so the backtester's corporate actions
   * (splits and dividends applied on their ex-dates) treat both alike.
   */
  readonly opens: WidePrices;
  readonly actions: CorporateActions;
}

/**
 * Reads the raw daily closes and opens and the corporate actions of `symbols` from a Lean data folder laid
 * out as `<dir>/daily/<sym>.zip`, `<dir>/factor_files/<sym>.csv`, `<dir>/map_files/<sym>.csv`
 * (file names lower case). Bars before the first date of the map file are dropped: Lean's daily
 * files of a ticker can start with another security that used the ticker earlier (EEM's start in
 * 1998, five years before the iShares ETF listed on 2003-04-11).
 */
export async function readLeanDataset(dir: string, symbols: readonly string[]): Promise<LeanDataset> {
  const closesBySymbol = new Map<string, Map<string, string>>();
  const opensBySymbol = new Map<string, Map<string, string>>();
  const dividends: Dividend[] = [];
  const splits: Split[] = [];
  for (const symbol of symbols.map((name) => name.toUpperCase())) {
    const lower = symbol.toLowerCase();
    const barsFile = path.join(dir, 'daily', `${lower}.zip`);
    const mapFile = path.join(dir, 'map_files', `${lower}.csv`);
    const factorFile = path.join(dir, 'factor_files', `${lower}.csv`);
    const listed = leanFirstDate(mapFile, await readFile(mapFile, 'utf8'));
    const entries = readZipEntries(barsFile, await readFile(barsFile));
    const csv = entries.get(`${lower}.csv`);
    if (csv === undefined) throw new LeanDataError(barsFile, `no entry ${lower}.csv`);
    const bars = parseLeanDailyBars(barsFile, csv.toString('utf8'));
    const listedOnly = (prices: Map<string, string>) =>
      new Map([...prices].filter(([date]) => date >= listed));
    const closes = listedOnly(bars.closes);
    closesBySymbol.set(symbol, closes);
    opensBySymbol.set(symbol, listedOnly(bars.opens));
    const actions = corporateActionsFromLeanFactorFile(symbol, await readFile(factorFile, 'utf8'), closes);
    dividends.push(...actions.dividends);
    splits.push(...actions.splits);
  }
  return {
    prices: widePrices(closesBySymbol),
    opens: widePrices(opensBySymbol),
    actions: {
      dividends: dividends.sort((a, b) => compare(a.exDate, b.exDate) || compare(a.symbol, b.symbol)),
      splits: splits.sort((a, b) => compare(a.date, b.date) || compare(a.symbol, b.symbol)),
    },
  };
}

/**
 * Date -> raw open and close (decimal strings) of a Lean daily bars CSV. Lean stores equity prices
 * as integers in units of 1/10000 of a dollar ("deci-cents"); the open is the second column, the
 * close the fifth.
 */
export function parseLeanDailyBars(
  file: string,
  csvText: string,
): { opens: Map<string, string>; closes: Map<string, string> } {
  const opens = new Map<string, string>();
  const closes = new Map<string, string>();
  let previous = '';
  const positive = (cell: string) => /^\d+$/.test(cell) && Number(cell) > 0;
  csvText.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const cells = line.split(',');
    const match = /^(\d{4})(\d{2})(\d{2}) 00:00$/.exec(cells[0] ?? '');
    const open = cells[1] ?? '';
    const close = cells[4] ?? '';
    if (cells.length !== 6 || match === null || !positive(open) || !positive(close)) {
      throw new LeanDataError(file, `line ${index + 1}: "${line}" is not a bar "yyyymmdd 00:00,o,h,l,c,v"`);
    }
    const date = `${match[1]}-${match[2]}-${match[3]}`;
    if (date <= previous) {
      throw new LeanDataError(
        file,
        `line ${index + 1}: date ${date} is not after the previous bar's ${previous}`,
      );
    }
    previous = date;
    opens.set(date, fromDeciCents(open));
    closes.set(date, fromDeciCents(close));
  });
  return { opens, closes };
}

/**
 * The first date of a Lean map file (`yyyymmdd,ticker[,exchange]` rows, each the last date a ticker
 * was used; the first row is the first date of the security).
 */
export function leanFirstDate(file: string, mapFileText: string): string {
  const first = mapFileText.split(/\r?\n/).find((line) => line.trim() !== '');
  const match = /^(\d{4})(\d{2})(\d{2}),/.exec(first ?? '');
  if (match === null) throw new LeanDataError(file, `first line "${first ?? ''}" is not "yyyymmdd,ticker"`);
  return `${match[1]}-${match[2]}-${match[3]}`;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const ZIP64_EXTRA_FIELD = 0x0001;
const MAX_32 = 0xffffffff;

/**
 * Name -> content of every file in a zip archive: stored or deflated entries, ZIP64 sizes and
 * offsets (Lean's zips, written by .NET, use them), no encryption, no multi-disk archives. Layout from
 * the PKWARE APPNOTE (4.3.7 local header, 4.3.12 central directory header, 4.3.14-16 end records,
 * 4.5.3 ZIP64 extra field); each entry's size and CRC-32 are checked.
 */
export function readZipEntries(file: string, zip: Buffer): Map<string, Buffer> {
  const end = findEndOfCentralDirectory(file, zip);
  let count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const locator = end - 20;
  if (locator >= 0 && zip.readUInt32LE(locator) === ZIP64_LOCATOR) {
    const zip64End = Number(zip.readBigUInt64LE(locator + 8));
    if (zip.readUInt32LE(zip64End) !== ZIP64_END_OF_CENTRAL_DIRECTORY) {
      throw new LeanDataError(file, 'zip64 end of central directory record is damaged');
    }
    count = Number(zip.readBigUInt64LE(zip64End + 32));
    offset = Number(zip.readBigUInt64LE(zip64End + 48));
  }
  const entries = new Map<string, Buffer>();
  for (let index = 0; index < count; index++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== CENTRAL_DIRECTORY_HEADER) {
      throw new LeanDataError(file, `zip central directory entry ${index} is damaged`);
    }
    const flags = zip.readUInt16LE(offset + 8);
    const method = zip.readUInt16LE(offset + 10);
    const crc = zip.readUInt32LE(offset + 16);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    const extra = zip.subarray(offset + 46 + nameLength, offset + 46 + nameLength + extraLength);
    // A 32-bit field set to 0xffffffff is stored in the ZIP64 extra field, in this order.
    const zip64 = zip64Values(extra);
    const take = (value: number): number => (value === MAX_32 ? (zip64.shift() ?? -1) : value);
    const size = take(zip.readUInt32LE(offset + 24));
    const compressedSize = take(zip.readUInt32LE(offset + 20));
    const localOffset = take(zip.readUInt32LE(offset + 42));
    offset += 46 + nameLength + extraLength + commentLength;
    if ((flags & 1) !== 0) throw new LeanDataError(file, `zip entry ${name} is encrypted`);
    if (size < 0 || compressedSize < 0 || localOffset < 0) {
      throw new LeanDataError(file, `zip entry ${name} lacks its ZIP64 sizes`);
    }
    if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== LOCAL_FILE_HEADER) {
      throw new LeanDataError(file, `zip entry ${name} has no local header`);
    }
    const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(start, start + compressedSize);
    let content: Buffer;
    if (method === 0) content = raw;
    else if (method === 8) content = inflateRawSync(raw);
    else throw new LeanDataError(file, `zip entry ${name} uses compression method ${method}`);
    if (content.length !== size || crc32(content) !== crc) {
      throw new LeanDataError(file, `zip entry ${name} fails its size or CRC-32 check`);
    }
    entries.set(name, content);
  }
  return entries;
}

/** The 64-bit values of the ZIP64 extended information field among a header's extra fields. */
function zip64Values(extra: Buffer): number[] {
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === ZIP64_EXTRA_FIELD) {
      const values: number[] = [];
      for (let field = at + 4; field + 8 <= at + 4 + length; field += 8) {
        values.push(Number(extra.readBigUInt64LE(field)));
      }
      return values;
    }
    at += 4 + length;
  }
  return [];
}

function findEndOfCentralDirectory(file: string, zip: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65535 bytes, at the end of the archive.
  for (let offset = zip.length - 22; offset >= Math.max(0, zip.length - 22 - 0xffff); offset--) {
    if (zip.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) return offset;
  }
  throw new LeanDataError(file, 'not a zip archive (no end of central directory record)');
}

/** `973600` -> `97.36`: exact, without going through a binary float. */
function fromDeciCents(value: string): string {
  const digits = value.replace(/^0+(?=\d)/, '').padStart(5, '0');
  const whole = digits.slice(0, -4);
  const fraction = digits.slice(-4).replace(/0+$/, '');
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

function widePrices(closesBySymbol: ReadonlyMap<string, ReadonlyMap<string, string>>): WidePrices {
  const dates = [...new Set([...closesBySymbol.values()].flatMap((closes) => [...closes.keys()]))].sort();
  const rows: WidePricesRow[] = dates.map((date) => {
    const prices = new Map<string, string>();
    for (const [symbol, closes] of closesBySymbol) {
      const close = closes.get(date);
      if (close !== undefined) prices.set(symbol, close);
    }
    return { date, prices };
  });
  return { symbols: [...closesBySymbol.keys()], rows };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
