import { type Fill, type OrderSide } from '@ballast/contracts';

/** What execution asks a broker to do: one order under its derived client order id. */
export interface BrokerOrderRequest {
  clientOrderId: string;
  accountId: string;
  symbol: string;
  side: OrderSide;
  /** Decimal string. */
  quantity: string;
  /** The price collar as a limit: buys at most, sells at least this (decimal string). */
  limitPrice: string;
}

/**
 * An order as the broker reports it. `working`: it may still fill; `done`: nothing more will happen
 * (filled, or cancelled/expired/rejected with whatever filled before).
 */
export interface BrokerOrder {
  clientOrderId: string;
  brokerOrderId: string;
  state: 'working' | 'done';
  /** Decimal string; 0 when nothing filled. */
  filledQuantity: string;
  fills: Fill[];
  /** The broker's own status word (`filled`, `canceled`, `rejected`...), for logs and reasons. */
  brokerStatus: string;
  /** Why the broker refused or cancelled it, when it says. */
  reason: string | null;
}

/**
 * The broker did not answer in time, or the connection broke after the request left: the order may
 * or may not be there. Never resend under a new id; look the client order id up.
 */
export class BrokerTimeoutError extends Error {
  override readonly name = 'BrokerTimeoutError';
}

/** The broker answered and refused the order (invalid, no buying power, market closed...). */
export class BrokerRejectedError extends Error {
  override readonly name = 'BrokerRejectedError';
}

/** The broker already holds an order under this client order id (a resend): look it up. */
export class DuplicateClientOrderIdError extends Error {
  override readonly name = 'DuplicateClientOrderIdError';
}

/**
 * The broker port: one adapter per vendor (broker/paper, broker/alpaca), picked by EXECUTION_BROKER.
 * Any other error thrown (network, 5xx) is treated as BrokerTimeoutError: outcome unknown.
 */
export interface Broker {
  readonly name: string;
  /**
   * Decimal places of a fractional quantity the broker accepts: a buy cut to the available cash
   * under a policy without whole shares is rounded down to this.
   */
  readonly quantityDecimals: number;
  submit(order: BrokerOrderRequest): Promise<BrokerOrder>;
  /** Null when the broker holds no order under this client order id. */
  findByClientOrderId(clientOrderId: string): Promise<BrokerOrder | null>;
  /** Asks the broker to cancel what has not filled; the final state is read with a look-up. */
  cancel(order: BrokerOrder): Promise<void>;
}

export const BROKER = Symbol('BROKER');
