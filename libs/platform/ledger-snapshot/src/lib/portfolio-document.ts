import { type PortfolioStatePayload } from '@ballast/contracts';

/**
 * Fields of `planningPolicy` that belong to the services, not to the `ballast plan` file: the
 * portfolio file's parser rejects unknown policy fields (a typo must not be ignored), so they are
 * taken out here and read by the service that owns them.
 *  - `targets`: how the optimizer derives target weights (a fixed model or an objective);
 *  - `approval`: the thresholds the tax service uses to decide whether a person must approve;
 *  - `adaptiveBands`: the monitor's regime-adaptive bands (`{ benchmark, thresholds?, multipliers?,
 *    minBandBps?, maxBandBps? }`, as the backtester's);
 *  - `riskLimits`: the monitor's risk limits (`{ maxDrawdown?, annualVolatility?, maxPositionWeight? }`).
 */
export const SERVICE_POLICY_FIELDS = ['targets', 'approval', 'adaptiveBands', 'riskLimits'] as const;
export type ServicePolicyField = (typeof SERVICE_POLICY_FIELDS)[number];

/**
 * Prefix of the id of a lot made up for shares the ledger holds without tax lots (a position whose
 * lots add up to less than its quantity, typically in an IRA or Roth where lots are not tracked).
 */
export const UNTRACKED_LOT_PREFIX = 'untracked:';

export interface LedgerDocumentLot {
  symbol: string;
  quantity: string;
  costBasis: string;
  acquired: string;
}

export interface LedgerDocumentAccount {
  id: string;
  type: string;
  cash: string;
  lots: LedgerDocumentLot[];
}

/**
 * The raw portfolio-file document (services/cli/README.md, "The portfolio file") that
 * `parsePortfolioFile` of @ballast/domain-portfolio reads. Plain JSON: this platform library does
 * not depend on the domain, the services parse the document themselves.
 */
export interface LedgerDocument {
  id: string;
  asOf: string;
  accounts: LedgerDocumentAccount[];
  transactions: {
    account: string;
    symbol: string;
    side: 'buy' | 'sell';
    quantity: string;
    price: string;
    date: string;
  }[];
  targets: { symbol: string; weight: number }[];
  sleeves?: Record<string, unknown>;
  policy: Record<string, unknown>;
}

/**
 * The ledger snapshot as the portfolio file the planner, the tax engine and `ballast plan` read, so
 * that a service plans exactly what the CLI would plan from the same inputs.
 *
 * - `id` is the portfolio id; `asOf` the date part of `asOf` (a date or an ISO date-time).
 * - Accounts keep their order; each position's lots become file lots in order (see
 *   {@link stateLotIds} for the way back to the ledger's lot ids). Shares a position holds beyond its
 *   lots (untracked) become one more lot with a zero basis acquired on `asOf`: the most conservative
 *   reading (every dollar of proceeds a short-term gain), and irrelevant in IRA and Roth accounts.
 * - `policy`: the v1 fields mapped (`absoluteBandBps` -> `bands.absolute` as a weight,
 *   `relativeBandBps` -> `bands.relative`, `minTradeValue`), then `planningPolicy` over them (its
 *   fields win; `bands` are merged field by field), without the {@link SERVICE_POLICY_FIELDS};
 *   `lastRebalance` from the state unless the planning policy sets it.
 *
 * Nothing is validated here beyond the contract: the parser reports a bad planning policy with the
 * field's path (`policy.bands.absolute: ...`).
 */
/**
 * The date a plan of this snapshot is made as of: the prices' date, or the ledger's latest lot or
 * transaction date when that is later. A replay feeds old prices while the ledger books fills on
 * today's date; planning as of the prices' date would then sell lots "before they were acquired"
 * (the tax engine refuses that), so the later date wins: holding periods and wash-sale windows are
 * measured on the ledger's calendar.
 */
export function planningDate(state: PortfolioStatePayload, pricesAsOf: string): string {
  let latest = pricesAsOf.slice(0, 10);
  for (const account of state.accounts) {
    for (const position of account.positions) {
      for (const lot of position.lots) if (lot.acquiredOn > latest) latest = lot.acquiredOn;
    }
  }
  for (const transaction of state.transactions ?? [])
    if (transaction.date > latest) latest = transaction.date;
  return latest;
}

export function portfolioDocumentFromState(state: PortfolioStatePayload, asOf: string): LedgerDocument {
  const asOfDate = asOf.slice(0, 10);
  const accounts = state.accounts.map((account) => ({
    id: account.accountId,
    type: account.type,
    cash: account.cash,
    lots: account.positions.flatMap((position): LedgerDocumentLot[] => {
      const tracked = position.lots.map((lot) => ({
        symbol: position.symbol,
        quantity: lot.quantity,
        costBasis: lot.costBasis,
        acquired: lot.acquiredOn,
      }));
      const untracked = untrackedQuantity(
        position.quantity,
        position.lots.map((lot) => lot.quantity),
      );
      return untracked === null
        ? tracked
        : [...tracked, { symbol: position.symbol, quantity: untracked, costBasis: '0', acquired: asOfDate }];
    }),
  }));

  const planning = { ...(state.planningPolicy ?? {}) };
  for (const field of SERVICE_POLICY_FIELDS) delete planning[field];
  const v1Bands: Record<string, unknown> = { absolute: state.policy.absoluteBandBps / 10_000 };
  if (state.policy.relativeBandBps !== undefined) v1Bands['relative'] = state.policy.relativeBandBps / 10_000;
  const planningBands = planning['bands'];
  const policy: Record<string, unknown> = {
    ...(state.policy.minTradeValue === undefined ? {} : { minTradeValue: state.policy.minTradeValue }),
    ...(state.lastRebalance === undefined ? {} : { lastRebalance: state.lastRebalance }),
    ...planning,
    // A planning policy's `bands` that is not an object is passed as is, for the parser to name it.
    bands: isRecord(planningBands) ? { ...v1Bands, ...planningBands } : (planningBands ?? v1Bands),
  };

  return {
    id: state.portfolioId,
    asOf: asOfDate,
    accounts,
    transactions: (state.transactions ?? []).map((transaction) => ({
      account: transaction.accountId,
      symbol: transaction.symbol,
      side: transaction.side,
      quantity: transaction.quantity,
      price: transaction.price,
      date: transaction.date,
    })),
    targets: state.targets.map((target) => ({ symbol: target.symbol, weight: target.weight })),
    ...(state.sleeves === undefined ? {} : { sleeves: state.sleeves }),
    policy,
  };
}

/**
 * The ledger's lot id of each document lot, keyed as the tax engine names lots
 * (`<account id>#<index in the account's lots>`, `lotIdOf` of @ballast/domain-tax); untracked
 * shares get `untracked:<account id>:<symbol>`.
 */
export function stateLotIds(state: PortfolioStatePayload): Map<string, string> {
  const ids = new Map<string, string>();
  for (const account of state.accounts) {
    let index = 0;
    for (const position of account.positions) {
      for (const lot of position.lots) {
        ids.set(`${account.accountId}#${index}`, lot.lotId);
        index += 1;
      }
      const untracked = untrackedQuantity(
        position.quantity,
        position.lots.map((lot) => lot.quantity),
      );
      if (untracked !== null) {
        ids.set(
          `${account.accountId}#${index}`,
          `${UNTRACKED_LOT_PREFIX}${account.accountId}:${position.symbol}`,
        );
        index += 1;
      }
    }
  }
  return ids;
}

/** The service-owned fields of the planning policy ({@link SERVICE_POLICY_FIELDS}), unvalidated. */
export function servicePolicyOf(state: PortfolioStatePayload): Partial<Record<ServicePolicyField, unknown>> {
  const planning = state.planningPolicy ?? {};
  const out: Partial<Record<ServicePolicyField, unknown>> = {};
  for (const field of SERVICE_POLICY_FIELDS) {
    if (planning[field] !== undefined) out[field] = planning[field];
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `quantity - Σ lots` as a canonical decimal string when positive, else null. Exact: decimal
 * strings are scaled to integers (BigInt), never added as binary floats.
 */
function untrackedQuantity(quantity: string, lots: readonly string[]): string | null {
  const scale = Math.max(fractionDigits(quantity), ...lots.map(fractionDigits));
  const toUnits = (value: string): bigint => {
    const [whole = '0', fraction = ''] = value.split('.');
    return BigInt(whole + fraction.padEnd(scale, '0'));
  };
  const rest = lots.reduce((left, lot) => left - toUnits(lot), toUnits(quantity));
  if (rest <= 0n) return null;
  const digits = rest.toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

function fractionDigits(value: string): number {
  const dot = value.indexOf('.');
  return dot === -1 ? 0 : value.length - dot - 1;
}
