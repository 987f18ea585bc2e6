import { createHash } from 'node:crypto';
import { type Fill } from '@ballast/contracts';
import Decimal from 'decimal.js';
import { type DataSource } from 'typeorm';
import {
  type Broker,
  type BrokerOrder,
  type BrokerOrderRequest,
  BrokerTimeoutError,
  DuplicateClientOrderIdError,
} from '../broker.port';
import { PaperOrder, PaperSubmission } from './paper-broker.entities';

export interface PaperBrokerOptions {
  commissionPerOrder: string;
  spreadBps: number;
  rejectRate: number;
  partialFillRate: number;
  timeoutRate: number;
  seed: number;
  latencyMs: number;
}

/**
 * Deterministic draws in [0, 1) from (seed, client order id, attempt, draw name): the same run
 * always behaves the same, whatever order the orders arrive in.
 */
export function paperDraw(seed: number, clientOrderId: string, attempt: number, draw: string): number {
  const hex = createHash('sha256').update(`${seed}:${clientOrderId}:${attempt}:${draw}`).digest('hex');
  return parseInt(hex.slice(0, 12), 16) / 2 ** 48;
}

/**
 * A broker simulated on PostgreSQL. Fills at once at the last price received from price.tick with
 * the cost model (half the spread crossed, commission per order on the first fill). Configurable
 * failures for tests, deterministic with PAPER_SEED:
 *  - rejection (PAPER_REJECT_RATE): refused, nothing filled;
 *  - partial fill (PAPER_PARTIAL_FILL_RATE): 30-90% of the quantity (whole units) filled, the rest cancelled;
 *  - timeout (PAPER_TIMEOUT_RATE): the answer is lost; half the time the request had arrived
 *    (the order exists and must be found by a look-up), half the time it had not.
 * A second submission under a client order id it holds is refused, as at a real broker, and logged.
 */
export class PaperBroker implements Broker {
  readonly name = 'paper';
  /** The backtester's fractional precision (libs/domain/backtest, `execute`): six places. */
  readonly quantityDecimals = 6;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: PaperBrokerOptions,
  ) {}

  async submit(request: BrokerOrderRequest): Promise<BrokerOrder> {
    if (this.options.latencyMs > 0)
      await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
    const attempt = await this.dataSource.manager.countBy(PaperSubmission, {
      clientOrderId: request.clientOrderId,
    });
    const draw = (name: string) => paperDraw(this.options.seed, request.clientOrderId, attempt, name);
    const timesOut = draw('timeout') < this.options.timeoutRate;
    if (timesOut && draw('lost-request') < 0.5) {
      await this.dataSource.manager.insert(PaperSubmission, {
        clientOrderId: request.clientOrderId,
        outcome: 'lost',
      });
      throw new BrokerTimeoutError(
        `paper broker: no answer for ${request.clientOrderId} (simulated, request lost)`,
      );
    }
    const order = await this.dataSource.transaction(async (manager) => {
      const existing = await manager.findOne(PaperOrder, {
        where: { clientOrderId: request.clientOrderId },
        lock: { mode: 'pessimistic_write' },
      });
      if (existing !== null) {
        await manager.insert(PaperSubmission, { clientOrderId: request.clientOrderId, outcome: 'duplicate' });
        return null;
      }
      const rows: { price: string }[] = await manager.query(
        `SELECT price FROM last_price WHERE symbol = $1`,
        [request.symbol],
      );
      const brokerOrderId = `paper-${createHash('sha256').update(request.clientOrderId).digest('hex').slice(0, 16)}`;
      const now = new Date();
      const base = {
        clientOrderId: request.clientOrderId,
        brokerOrderId,
        accountId: request.accountId,
        symbol: request.symbol,
        side: request.side,
        quantity: request.quantity,
        limitPrice: request.limitPrice,
        createdAt: now,
      };
      const last = rows[0]?.price;
      let row: PaperOrder;
      if (last === undefined) {
        row = manager.create(PaperOrder, {
          ...base,
          status: 'rejected',
          filledQuantity: '0',
          fills: [],
          reason: `no market price for ${request.symbol}`,
        });
      } else if (draw('reject') < this.options.rejectRate) {
        row = manager.create(PaperOrder, {
          ...base,
          status: 'rejected',
          filledQuantity: '0',
          fills: [],
          reason: 'simulated rejection (PAPER_REJECT_RATE)',
        });
      } else {
        const halfSpread = new Decimal(this.options.spreadBps).dividedBy(20_000);
        const price = (
          request.side === 'buy'
            ? new Decimal(last).times(halfSpread.plus(1))
            : new Decimal(last).times(new Decimal(1).minus(halfSpread))
        ).toDecimalPlaces(4, Decimal.ROUND_HALF_UP);
        const partial = draw('partial') < this.options.partialFillRate;
        const quantity = partial
          ? new Decimal(request.quantity)
              .times(0.3 + 0.6 * draw('fraction'))
              .toDecimalPlaces(0, Decimal.ROUND_DOWN)
          : new Decimal(request.quantity);
        const fills: Fill[] = quantity.isZero()
          ? []
          : [
              {
                fillId: `${brokerOrderId}-1`,
                quantity: quantity.toFixed(),
                price: price.toFixed(),
                fee: new Decimal(this.options.commissionPerOrder).toFixed(),
                at: now.toISOString(),
              },
            ];
        row = manager.create(PaperOrder, {
          ...base,
          status: partial ? 'canceled' : 'filled',
          filledQuantity: quantity.toFixed(),
          fills,
          reason: partial ? 'simulated partial fill (PAPER_PARTIAL_FILL_RATE): the rest was cancelled' : null,
        });
      }
      await manager.insert(PaperOrder, row);
      await manager.insert(PaperSubmission, { clientOrderId: request.clientOrderId, outcome: 'accepted' });
      return row;
    });
    // The answer travels back after the order is in the book: the window in which a crash leaves
    // an order at the broker that the service has not recorded as submitted.
    if (this.options.latencyMs > 0)
      await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
    if (order === null) {
      throw new DuplicateClientOrderIdError(
        `paper broker already holds an order under ${request.clientOrderId}`,
      );
    }
    if (timesOut) {
      throw new BrokerTimeoutError(
        `paper broker: no answer for ${request.clientOrderId} (simulated, answer lost)`,
      );
    }
    return toBrokerOrder(order);
  }

  async findByClientOrderId(clientOrderId: string): Promise<BrokerOrder | null> {
    const row = await this.dataSource.manager.findOneBy(PaperOrder, { clientOrderId });
    return row === null ? null : toBrokerOrder(row);
  }

  cancel(): Promise<void> {
    // Paper orders are done the moment they are accepted: there is never anything left to cancel.
    return Promise.resolve();
  }
}

function toBrokerOrder(row: PaperOrder): BrokerOrder {
  return {
    clientOrderId: row.clientOrderId,
    brokerOrderId: row.brokerOrderId,
    state: 'done',
    filledQuantity: new Decimal(row.filledQuantity).toFixed(),
    fills: row.fills,
    brokerStatus: row.status,
    reason: row.reason,
  };
}
