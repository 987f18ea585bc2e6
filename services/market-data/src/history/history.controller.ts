import { BadRequestException, Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { APP_CONFIG } from '@ballast/platform-config';
/** The one thing this controller needs from Express's response. */
interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}
import { type MarketDataConfig } from '../config/market-data.config';
import { type HistoryAnswer, HistoryService } from './history.service';

const TICKER = /^[A-Z0-9.\-^=]{1,20}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date (2024-02-30 is not one). */
function isCalendarDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
}

export interface ValidHistoryQuery {
  symbols: string[];
  from: string;
  to: string;
}

/** Validates `symbols`, `from`, `to`; every problem is listed, so a client fixes them in one go. */
export function parseHistoryQuery(
  query: Record<string, unknown>,
  maxSymbols: number,
): { ok: true; value: ValidHistoryQuery } | { ok: false; issues: { path: string; message: string }[] } {
  const issues: { path: string; message: string }[] = [];
  const text = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined || value === '') {
      issues.push({ path: name, message: 'is required' });
      return undefined;
    }
    if (typeof value !== 'string') {
      issues.push({ path: name, message: 'must be given once' });
      return undefined;
    }
    return value;
  };
  const symbolsText = text('symbols');
  const from = text('from');
  const to = text('to');
  for (const name of Object.keys(query)) {
    if (!['symbols', 'from', 'to'].includes(name))
      issues.push({ path: name, message: 'is not a known parameter' });
  }
  const symbols = [
    ...new Set(
      (symbolsText ?? '')
        .split(',')
        .map((part) => part.trim().toUpperCase())
        .filter(Boolean),
    ),
  ];
  if (symbolsText !== undefined) {
    const bad = symbols.filter((symbol) => !TICKER.test(symbol));
    if (symbols.length === 0) issues.push({ path: 'symbols', message: 'must name at least one symbol' });
    if (bad.length > 0)
      issues.push({
        path: 'symbols',
        message: `${bad.map((s) => `"${s}"`).join(', ')} not a ticker (1-20 of A-Z 0-9 . - ^ =)`,
      });
    if (symbols.length > maxSymbols)
      issues.push({
        path: 'symbols',
        message: `asks for ${symbols.length} symbols; at most ${maxSymbols} per request`,
      });
  }
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (value !== undefined && !isCalendarDate(value))
      issues.push({ path: name, message: `"${value}" is not a date in YYYY-MM-DD form` });
  }
  if (from !== undefined && to !== undefined && isCalendarDate(from) && isCalendarDate(to) && from > to) {
    issues.push({ path: 'from', message: `${from} is after to (${to})` });
  }
  if (issues.length > 0 || from === undefined || to === undefined) return { ok: false, issues };
  return { ok: true, value: { symbols, from, to } };
}

@Controller('history')
export class HistoryController {
  constructor(
    private readonly history: HistoryService,
    @Inject(APP_CONFIG) private readonly config: MarketDataConfig,
  ) {}

  /**
   * `GET /history?symbols=SPY,TLT&from=2024-03-11&to=2024-03-15`: daily bars per symbol, oldest first.
   * The `x-cache` header says whether Redis answered (`hit`), PostgreSQL did (`miss`), or Redis was down (`bypass`).
   */
  @Get()
  async get(
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) reply: HeaderSink,
  ): Promise<HistoryAnswer> {
    const parsed = parseHistoryQuery(query, this.config.HISTORY_MAX_SYMBOLS);
    if (!parsed.ok) {
      throw new BadRequestException({
        error: 'ValidationError',
        message: parsed.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
        issues: parsed.issues,
      });
    }
    const { answer, cache } = await this.history.read(parsed.value);
    reply.setHeader('x-cache', cache);
    return answer;
  }
}
