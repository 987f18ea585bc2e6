import { type Fill } from '@ballast/contracts';
import Decimal from 'decimal.js';
import {
  type Broker,
  type BrokerOrder,
  type BrokerOrderRequest,
  BrokerRejectedError,
  BrokerTimeoutError,
  DuplicateClientOrderIdError,
} from '../broker.port';

export interface AlpacaBrokerOptions {
  baseUrl: string;
  keyId: string;
  secretKey: string;
  timeoutMs: number;
}

/** The fields of Alpaca's order object this adapter reads (Trading API v2, `GET /v2/orders/{id}`). */
interface AlpacaOrder {
  id: string;
  client_order_id: string;
  status: string;
  symbol: string;
  side: string;
  qty: string | null;
  filled_qty: string;
  filled_avg_price: string | null;
  submitted_at: string | null;
  filled_at: string | null;
  updated_at: string | null;
}

/** An entry of `GET /v2/account/activities/FILL`. */
interface AlpacaFillActivity {
  id: string;
  activity_type: string;
  transaction_time: string;
  type: 'fill' | 'partial_fill';
  price: string;
  qty: string;
  side: string;
  symbol: string;
  order_id: string;
}

/**
 * Alpaca's terminal order statuses: nothing more fills. Every other status (`new`, `accepted`,
 * `pending_new`, `partially_filled`, `pending_cancel`, `held`...) may still fill.
 * https://docs.alpaca.markets/docs/orders-at-alpaca (order lifecycle).
 */
const DONE_STATUSES = new Set([
  'filled',
  'canceled',
  'expired',
  'rejected',
  'done_for_day',
  'replaced',
  'stopped',
]);

/** Alpaca's error body: `{ "code": 40010001, "message": "client_order_id must be unique" }`. */
interface AlpacaError {
  code?: number;
  message?: string;
}

/**
 * Alpaca Trading API v2 (REST): limit orders, day, under the derived client order id; look-up with
 * `GET /v2/orders:by_client_order_id`; fills from the FILL account activities of the order. Alpaca
 * charges no commission on US equities, so fees are 0. One Alpaca account per deployment: the
 * ledger's account id is not sent (Alpaca's keys name the account).
 */
export class AlpacaBroker implements Broker {
  readonly name = 'alpaca';
  /** `qty` takes up to 9 decimal places (alpaca.markets/support/how-can-i-pass-a-fractional-order). */
  readonly quantityDecimals = 9;

  constructor(private readonly options: AlpacaBrokerOptions) {}

  async submit(request: BrokerOrderRequest): Promise<BrokerOrder> {
    const response = await this.request('POST', '/v2/orders', {
      symbol: request.symbol,
      qty: request.quantity,
      side: request.side,
      type: 'limit',
      time_in_force: 'day',
      limit_price: request.limitPrice,
      client_order_id: request.clientOrderId,
    });
    if (response.status === 200) return this.toBrokerOrder(response.body as AlpacaOrder);
    const error = response.body as AlpacaError;
    const message = `Alpaca ${response.status}: ${error.message ?? 'no message'}${error.code === undefined ? '' : ` (code ${error.code})`}`;
    if (response.status === 422 && /client_order_id/i.test(error.message ?? '')) {
      throw new DuplicateClientOrderIdError(message);
    }
    if (response.status === 403 || response.status === 422) throw new BrokerRejectedError(message);
    // 401, 429, 5xx: the request may or may not have been taken. Look it up.
    throw new BrokerTimeoutError(message);
  }

  async findByClientOrderId(clientOrderId: string): Promise<BrokerOrder | null> {
    const response = await this.request(
      'GET',
      `/v2/orders:by_client_order_id?client_order_id=${encodeURIComponent(clientOrderId)}`,
    );
    if (response.status === 404) return null;
    if (response.status !== 200) {
      throw new Error(
        `Alpaca ${response.status} looking up ${clientOrderId}: ${(response.body as AlpacaError).message ?? ''}`,
      );
    }
    return this.toBrokerOrder(response.body as AlpacaOrder);
  }

  async cancel(order: BrokerOrder): Promise<void> {
    const response = await this.request('DELETE', `/v2/orders/${encodeURIComponent(order.brokerOrderId)}`);
    // 204: cancel requested; 422: no longer cancelable (it filled or is done). Either way: look it up.
    if (response.status !== 204 && response.status !== 200 && response.status !== 422) {
      throw new Error(`Alpaca ${response.status} cancelling ${order.brokerOrderId}`);
    }
  }

  private async toBrokerOrder(order: AlpacaOrder): Promise<BrokerOrder> {
    const done = DONE_STATUSES.has(order.status);
    const filled = new Decimal(order.filled_qty || '0');
    const fills = done && filled.greaterThan(0) ? await this.fillsOf(order, filled) : [];
    return {
      clientOrderId: order.client_order_id,
      brokerOrderId: order.id,
      state: done ? 'done' : 'working',
      filledQuantity: filled.toFixed(),
      fills,
      brokerStatus: order.status,
      reason: order.status === 'filled' ? null : `Alpaca status ${order.status}`,
    };
  }

  /**
   * The order's executions from the FILL activities since it was submitted. If they do not add up
   * to `filled_qty` (activities lag the order), one fill at `filled_avg_price` stands for them all,
   * so that the ledger never misses quantity.
   */
  private async fillsOf(order: AlpacaOrder, filled: Decimal): Promise<Fill[]> {
    const after = order.submitted_at ?? order.updated_at ?? '';
    const response = await this.request(
      'GET',
      `/v2/account/activities/FILL?direction=asc&page_size=100${after ? `&after=${encodeURIComponent(after)}` : ''}`,
    );
    if (response.status === 200 && Array.isArray(response.body)) {
      const fills = (response.body as AlpacaFillActivity[])
        .filter((activity) => activity.order_id === order.id)
        .map((activity) => ({
          fillId: activity.id,
          quantity: new Decimal(activity.qty).toFixed(),
          price: new Decimal(activity.price).toFixed(),
          fee: '0',
          at: new Date(activity.transaction_time).toISOString(),
        }));
      const sum = fills.reduce((total, fill) => total.plus(fill.quantity), new Decimal(0));
      if (sum.equals(filled)) return fills;
    }
    if (order.filled_avg_price === null) {
      throw new Error(`Alpaca order ${order.id} filled ${filled.toFixed()} without an average price`);
    }
    return [
      {
        fillId: `${order.id}-avg`,
        quantity: filled.toFixed(),
        price: new Decimal(order.filled_avg_price).toFixed(),
        fee: '0',
        at: new Date(order.filled_at ?? order.updated_at ?? Date.now()).toISOString(),
      },
    ];
  }

  private async request(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${this.options.baseUrl.replace(/\/$/, '')}${path}`, {
        method,
        headers: {
          'APCA-API-KEY-ID': this.options.keyId,
          'APCA-API-SECRET-KEY': this.options.secretKey,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new BrokerTimeoutError(
        `Alpaca ${method} ${path.split('?')[0] ?? path}: ${(error as Error).message}`,
      );
    }
    const text = await response.text().catch((error: unknown) => {
      throw new BrokerTimeoutError(`Alpaca ${method} ${path}: body lost: ${(error as Error).message}`);
    });
    let parsed: unknown = null;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        parsed = { message: text.slice(0, 200) };
      }
    }
    return { status: response.status, body: parsed };
  }
}
