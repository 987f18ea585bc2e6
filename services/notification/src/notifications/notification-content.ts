import {
  DRIFT_DETECTED_TOPIC,
  type DriftDetectedPayload,
  type DriftTrigger,
  ORDERS_EXECUTED_TOPIC,
  ORDERS_PROPOSED_TOPIC,
  ORDERS_REJECTED_TOPIC,
  type OrdersExecutedPayload,
  type OrdersProposedPayload,
  type OrdersRejectedPayload,
  PRICE_STALE_TOPIC,
  type PriceStalePayload,
  RISK_ALERT_TOPIC,
  type RiskAlertPayload,
} from '@ballast/contracts';
import Decimal from 'decimal.js';
import { type NotificationKind } from './notification-kinds';

/**
 * What a person is told, independent of the channel: a one-line title (the email subject), a few
 * lines of text (the email body, the feed entry) and the facts as data (the webhook body), so that
 * every channel says the same thing. Pure: no I/O, unit tested.
 */
export interface NotificationContent {
  kind: NotificationKind;
  title: string;
  text: string;
  facts: Record<string, unknown>;
}

/** The portfolio a message is about, as the directory knows it (from portfolio.state). */
export interface PortfolioRef {
  portfolioId: string;
  name: string;
}

const percent = (fraction: number, digits = 1): string => `${(fraction * 100).toFixed(digits)}%`;
const points = (fraction: number): string => `${(fraction * 100).toFixed(1)} points`;

/**
 * One line per trigger. Read loosely typed: trigger kinds are added to the contract over time (a union
 * on `kind`), and a kind this service does not know yet is still reported, by its name.
 */
export function describeTrigger(trigger: DriftTrigger): string {
  const t = trigger as unknown as Record<string, unknown>;
  const text = (key: string): string => {
    const value = t[key];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  };
  const number = (key: string): number => Number(t[key] ?? 0);
  switch (t['kind']) {
    case 'absolute-band':
      return `${text('symbol')} is ${points(Math.abs(number('drift')))} ${text('direction')} its target (band ${points(number('bandBps') / 10_000)})`;
    case 'relative-band':
      return `${text('symbol')} is ${percent(Math.abs(number('relativeDrift')))} ${text('direction')} its target relative to it (band ${percent(number('bandBps') / 10_000)})`;
    case 'sleeve-band':
      return `sleeve ${text('sleeve')} is ${points(Math.abs(number('drift')))} ${text('direction')} its target`;
    case 'calendar':
      return `the ${text('frequency')} rebalance scheduled for ${text('scheduled')} is due (last ${t['lastRebalance'] === null ? 'never' : text('lastRebalance')})`;
    case 'cash-flow':
      return `a cash flow of ${text('amount')} is pending in account ${text('accountId')}`;
    case 'cash-buffer':
      return `account ${text('accountId')} holds ${text('cash')} in cash, below its buffer of ${text('required')}`;
    default:
      return `trigger ${text('kind')}${t['symbol'] === undefined ? '' : ` (${text('symbol')})`}`;
  }
}

/** What a trigger is about, for a title: its symbol, else its sleeve or account, else its kind. */
function triggerLabel(trigger: DriftTrigger): string {
  const t = trigger as unknown as Record<string, unknown>;
  const label = t['symbol'] ?? t['sleeve'] ?? t['accountId'] ?? t['kind'];
  return typeof label === 'string' ? label : String(t['kind']);
}

export function driftContent(payload: DriftDetectedPayload, portfolio: PortfolioRef): NotificationContent {
  const lines = payload.triggers.map(describeTrigger);
  const labels = [...new Set(payload.triggers.map(triggerLabel))];
  return {
    kind: 'drift',
    title: payload.triggers.every((trigger) => trigger.kind.endsWith('-band'))
      ? `Drift in ${portfolio.name}: ${labels.join(', ')} out of band`
      : `Rebalance triggered for ${portfolio.name}: ${labels.join(', ')}`,
    text: [
      `Portfolio ${portfolio.name} has drifted from its targets (as of ${payload.asOf}).`,
      ...lines,
      `Total value ${payload.totalValue} ${payload.baseCurrency}; portfolio drift ${percent(payload.portfolioDrift)}.`,
    ].join('\n'),
    facts: {
      portfolioId: payload.portfolioId,
      portfolioName: portfolio.name,
      stateVersion: payload.stateVersion,
      asOf: payload.asOf,
      triggers: payload.triggers,
      portfolioDrift: payload.portfolioDrift,
      totalValue: payload.totalValue,
      baseCurrency: payload.baseCurrency,
    },
  };
}

/** Only for proposals that wait for a person (`approval.required`); the caller checks. */
export function approvalRequiredContent(
  payload: OrdersProposedPayload,
  portfolio: PortfolioRef,
): NotificationContent {
  const orders = payload.orders.map(
    (order) =>
      `leg ${order.leg}: ${order.side} ${order.quantity} ${order.symbol} in ${order.accountId} at about ${order.referencePrice} (${order.estimatedValue} ${payload.baseCurrency})`,
  );
  const approvers = payload.approval.approversRequired === 2 ? 'two approvers (four eyes)' : 'one approver';
  return {
    kind: 'approval-required',
    title: `Approval needed: ${payload.orders.length} order(s) for ${portfolio.name}`,
    text: [
      `A rebalance of ${portfolio.name} waits for ${approvers}: ${payload.approval.reason}.`,
      ...orders,
      `Estimated tax ${payload.taxImpact.estimatedTax} ${payload.baseCurrency} (short-term gains ${payload.taxImpact.realizedShortTerm}, long-term ${payload.taxImpact.realizedLongTerm}).`,
      `Proposal ${payload.proposalId} expires at ${payload.approval.expiresAt}.`,
    ].join('\n'),
    facts: {
      proposalId: payload.proposalId,
      portfolioId: payload.portfolioId,
      portfolioName: portfolio.name,
      approversRequired: payload.approval.approversRequired,
      reason: payload.approval.reason,
      expiresAt: payload.approval.expiresAt,
      orders: payload.orders.map(
        ({ leg, accountId, symbol, side, quantity, referencePrice, estimatedValue }) => ({
          leg,
          accountId,
          symbol,
          side,
          quantity,
          referencePrice,
          estimatedValue,
        }),
      ),
      taxImpact: payload.taxImpact,
      baseCurrency: payload.baseCurrency,
    },
  };
}

export function orderExecutedContent(
  payload: OrdersExecutedPayload,
  portfolio: PortfolioRef,
): NotificationContent {
  const fees = sumDecimals(payload.fills.map((fill) => fill.fee));
  const partial = payload.status === 'partially-filled' ? ` of ${payload.requestedQuantity} requested` : '';
  return {
    kind: 'order-executed',
    title: `Executed: ${payload.side} ${payload.filledQuantity} ${payload.symbol} for ${portfolio.name}`,
    text: [
      `Order ${payload.clientOrderId} (${payload.side} ${payload.symbol} in ${payload.accountId}) ${payload.status}: ${payload.filledQuantity}${partial} in ${payload.fills.length} fill(s) at ${payload.broker}.`,
      ...(payload.reduction === undefined
        ? []
        : [
            `Sent ${payload.requestedQuantity} of the ${payload.reduction.approvedQuantity} approved (${payload.reduction.reason}): ${payload.reduction.detail}.`,
          ]),
      ...payload.fills.map(
        (fill) => `fill ${fill.fillId}: ${fill.quantity} at ${fill.price}, fee ${fill.fee}`,
      ),
      `Fees ${fees} ${payload.baseCurrency}.`,
    ].join('\n'),
    facts: {
      proposalId: payload.proposalId,
      portfolioId: payload.portfolioId,
      portfolioName: portfolio.name,
      leg: payload.leg,
      clientOrderId: payload.clientOrderId,
      accountId: payload.accountId,
      symbol: payload.symbol,
      side: payload.side,
      status: payload.status,
      requestedQuantity: payload.requestedQuantity,
      filledQuantity: payload.filledQuantity,
      fills: payload.fills,
      fees,
      baseCurrency: payload.baseCurrency,
      executedAt: payload.executedAt,
      ...(payload.reduction === undefined ? {} : { reduction: payload.reduction }),
    },
  };
}

export function orderRejectedContent(
  payload: OrdersRejectedPayload,
  portfolio: PortfolioRef,
): NotificationContent {
  return {
    kind: 'order-rejected',
    title: `Rejected: ${payload.side} ${payload.quantity} ${payload.symbol} for ${portfolio.name} (${payload.code})`,
    text: [
      `Order ${payload.clientOrderId} (${payload.side} ${payload.quantity} ${payload.symbol} in ${payload.accountId}) was rejected at the ${payload.stage} stage: ${payload.code}.`,
      payload.reason,
    ].join('\n'),
    facts: {
      proposalId: payload.proposalId,
      portfolioId: payload.portfolioId,
      portfolioName: portfolio.name,
      leg: payload.leg,
      clientOrderId: payload.clientOrderId,
      accountId: payload.accountId,
      symbol: payload.symbol,
      side: payload.side,
      quantity: payload.quantity,
      stage: payload.stage,
      code: payload.code,
      reason: payload.reason,
      rejectedAt: payload.rejectedAt,
    },
  };
}

export function riskAlertContent(payload: RiskAlertPayload, portfolio: PortfolioRef): NotificationContent {
  return {
    kind: 'risk-alert',
    title: `Risk limit breached in ${portfolio.name}: ${payload.limit}`,
    text: [
      payload.message,
      `${payload.limit}${payload.symbol === undefined ? '' : ` (${payload.symbol})`}: ${payload.value} > limit ${payload.threshold}, as of ${payload.asOf}.`,
    ].join('\n'),
    facts: {
      portfolioId: payload.portfolioId,
      portfolioName: portfolio.name,
      stateVersion: payload.stateVersion,
      limit: payload.limit,
      value: payload.value,
      threshold: payload.threshold,
      ...(payload.symbol === undefined ? {} : { symbol: payload.symbol }),
      asOf: payload.asOf,
    },
  };
}

/** One notification per household, naming every portfolio of that household that needs the symbol. */
export function priceStaleContent(
  payload: PriceStalePayload,
  portfolios: readonly PortfolioRef[],
): NotificationContent {
  const last =
    payload.lastPriceAt === null
      ? 'no price was ever received'
      : `the last price ${payload.lastPrice ?? ''} is from ${payload.lastPriceAt}`;
  return {
    kind: 'price-stale',
    title: `Stale price: ${payload.symbol} (rebalancing paused for ${portfolios.length} portfolio(s))`,
    text: [
      `${payload.symbol} from ${payload.source} has had no price for more than ${payload.maxAgeSeconds} s: ${last}.`,
      `Rebalancing is paused until a fresh price arrives for: ${portfolios.map((portfolio) => portfolio.name).join(', ')}.`,
    ].join('\n'),
    facts: {
      symbol: payload.symbol,
      source: payload.source,
      lastPrice: payload.lastPrice,
      lastPriceAt: payload.lastPriceAt,
      maxAgeSeconds: payload.maxAgeSeconds,
      detectedAt: payload.detectedAt,
      portfolios: portfolios.map((portfolio) => ({
        portfolioId: portfolio.portfolioId,
        name: portfolio.name,
      })),
    },
  };
}

/** The topics whose messages become notifications (portfolio.state only feeds the directory). */
export const NOTIFYING_TOPICS = [
  DRIFT_DETECTED_TOPIC,
  ORDERS_PROPOSED_TOPIC,
  ORDERS_EXECUTED_TOPIC,
  ORDERS_REJECTED_TOPIC,
  RISK_ALERT_TOPIC,
  PRICE_STALE_TOPIC,
] as const;

/** Exact sum of decimal strings (fees), in decimal arithmetic rather than binary floats. */
export function sumDecimals(values: readonly string[]): string {
  return values.reduce((total, value) => total.plus(value), new Decimal(0)).toFixed();
}
