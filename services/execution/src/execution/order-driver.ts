import {
  type Broker,
  type BrokerOrder,
  BrokerRejectedError,
  DuplicateClientOrderIdError,
} from '../broker/broker.port';
import { isFinal, type OrderStatus } from './order-status';

/** The fields of an order row the driver reads. */
export interface DrivenOrder {
  clientOrderId: string;
  status: OrderStatus;
  accountId: string;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: string;
  limitPrice: string | null;
  submittedAt: Date | null;
  unknownSince: Date | null;
}

/**
 * Every write the driver makes, each its own transaction that commits before the next broker
 * call. The TypeORM implementation (order-store.ts) also enqueues the outgoing events there.
 */
export interface OrderStore {
  reload(clientOrderId: string): Promise<DrivenOrder>;
  /** received -> pending (the cash or holdings held back) or rejected; `waiting` when the ledger snapshot is not there yet. */
  runPreTrade(order: DrivenOrder): Promise<'pending' | 'rejected' | 'waiting'>;
  /** Counts a submission before it is made, so that a log of attempts survives a crash. */
  recordSubmitAttempt(order: DrivenOrder): Promise<void>;
  markSubmitted(order: DrivenOrder, brokerOrder: BrokerOrder): Promise<void>;
  markUnknown(order: DrivenOrder, reason: string): Promise<void>;
  /** A done broker order: orders.executed when something filled, orders.rejected otherwise. */
  finish(order: DrivenOrder, brokerOrder: BrokerOrder): Promise<void>;
  rejectAtBroker(
    order: DrivenOrder,
    code: 'broker-rejected' | 'outcome-unknown',
    reason: string,
  ): Promise<void>;
}

export interface DriverOptions {
  /** A working order older than this is cancelled at the broker (what filled stays). */
  orderTimeoutMs: number;
  pollIntervalMs: number;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Called while waiting, so that a long order keeps its proposal's lease. */
  heartbeat?: () => Promise<void>;
  /** Problems worth a log line that change nothing (a cancel the broker refused). */
  warn?: (message: string) => void;
}

/**
 * Drives one order to a final state, surviving any crash between two steps: the row's status says
 * what was done, and whatever may have reached the broker (`pending` not created by this very
 * call, `submitted`, `unknown`) is looked up by its client order id before anything is sent. A
 * submission happens only when the broker has no order under that id, always under the same id,
 * so the broker's own uniqueness check is a second guard. Returns `waiting` when the pre-trade
 * check cannot run yet (no ledger snapshot).
 */
export async function driveOrder(
  start: DrivenOrder,
  store: OrderStore,
  broker: Broker,
  options: DriverOptions,
): Promise<'final' | 'waiting'> {
  let order = start;
  // True only right after this call moved the order to pending: then it cannot be at the broker.
  let neverSent = false;
  let cancelRequested = false;
  for (;;) {
    if (isFinal(order.status)) return 'final';
    switch (order.status) {
      case 'received': {
        const outcome = await store.runPreTrade(order);
        if (outcome === 'waiting') return 'waiting';
        neverSent = outcome === 'pending';
        break;
      }
      case 'pending': {
        if (!neverSent) {
          const found = await lookUp(broker, order.clientOrderId);
          if (found.kind === 'found') {
            await store.markSubmitted(order, found.order);
            break;
          }
          if (found.kind === 'unreachable') {
            await store.markUnknown(order, found.reason);
            break;
          }
        }
        neverSent = false;
        await submit(order, store, broker);
        break;
      }
      case 'submitted':
      case 'unknown': {
        const found = await lookUp(broker, order.clientOrderId);
        if (found.kind === 'found') {
          if (found.order.state === 'done') {
            await store.finish(order, found.order);
            break;
          }
          if (order.status === 'unknown') {
            await store.markSubmitted(order, found.order);
            break;
          }
          const since = order.submittedAt?.getTime() ?? options.now().getTime();
          if (!cancelRequested && options.now().getTime() - since > options.orderTimeoutMs) {
            cancelRequested = true;
            try {
              await broker.cancel(found.order);
            } catch (error) {
              // The look-up below still learns the final state; a refused cancel means it filled.
              options.warn?.(`cancel of ${order.clientOrderId} failed: ${(error as Error).message}`);
            }
          }
        } else if (found.kind === 'absent') {
          // The first request never arrived (or an acked order vanished): send it again under the
          // SAME client order id; if it did arrive after all, the broker refuses the duplicate.
          await submit(order, store, broker);
          break;
        } else {
          const since = order.unknownSince?.getTime() ?? options.now().getTime();
          if (order.status !== 'unknown') {
            await store.markUnknown(order, found.reason);
            break;
          }
          if (options.now().getTime() - since > options.orderTimeoutMs) {
            await store.rejectAtBroker(
              order,
              'outcome-unknown',
              `broker unreachable for ${Math.round((options.now().getTime() - since) / 1000)} s (${found.reason}); ` +
                `an order may exist under client order id ${order.clientOrderId}: reconcile it at the broker`,
            );
            break;
          }
        }
        await options.heartbeat?.();
        await options.sleep(options.pollIntervalMs);
        break;
      }
    }
    order = await store.reload(order.clientOrderId);
  }
}

async function submit(order: DrivenOrder, store: OrderStore, broker: Broker): Promise<void> {
  if (order.limitPrice === null) {
    throw new Error(`order ${order.clientOrderId} has no limit price: pre-trade did not run`);
  }
  await store.recordSubmitAttempt(order);
  let acknowledged: BrokerOrder;
  try {
    acknowledged = await broker.submit({
      clientOrderId: order.clientOrderId,
      accountId: order.accountId,
      symbol: order.symbol,
      side: order.side,
      quantity: order.quantity,
      limitPrice: order.limitPrice,
    });
  } catch (error) {
    if (error instanceof BrokerRejectedError) {
      await store.rejectAtBroker(order, 'broker-rejected', error.message);
    } else if (error instanceof DuplicateClientOrderIdError) {
      await store.markUnknown(order, error.message);
    } else {
      // A timeout, a reset connection, a 5xx: the order may be there. Look it up next.
      await store.markUnknown(order, (error as Error).message);
    }
    return;
  }
  // Outside the try: a failed write here is not a broker outcome; the row stays `pending` and the
  // next attempt looks the order up before anything is sent.
  await store.markSubmitted(order, acknowledged);
}

type LookUp =
  { kind: 'found'; order: BrokerOrder } | { kind: 'absent' } | { kind: 'unreachable'; reason: string };

async function lookUp(broker: Broker, clientOrderId: string): Promise<LookUp> {
  try {
    const order = await broker.findByClientOrderId(clientOrderId);
    return order === null ? { kind: 'absent' } : { kind: 'found', order };
  } catch (error) {
    return { kind: 'unreachable', reason: (error as Error).message };
  }
}
