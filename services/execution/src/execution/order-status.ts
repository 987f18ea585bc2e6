/**
 * Where one order stands. The row is written `received` when the approval arrives and `pending`
 * once the pre-trade checks pass, both BEFORE any broker call:
 *
 *   received ──checks fail──▶ rejected (pre-trade)
 *   received ──checks pass──▶ pending ──broker ack──▶ submitted ──done──▶ filled | partially-filled | rejected
 *                               │                        ▲
 *                               └──timeout / no answer──▶ unknown ──look-up by client order id──┘
 *
 * `pending`, `submitted` and `unknown` are "possibly at the broker": they are never submitted again
 * without first looking the client order id up (a timeout is outcome unknown, never a resend under a
 * new id), and a restart resumes them by looking them up.
 */
export const ORDER_STATUSES = [
  'received',
  'pending',
  'submitted',
  'unknown',
  'filled',
  'partially-filled',
  'rejected',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const FINAL_STATUSES: readonly OrderStatus[] = ['filled', 'partially-filled', 'rejected'];

/** The moves the executor may make; anything else is a bug (see order-status.spec.ts). */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  received: ['pending', 'rejected'],
  pending: ['submitted', 'unknown', 'filled', 'partially-filled', 'rejected'],
  submitted: ['filled', 'partially-filled', 'rejected', 'unknown'],
  unknown: ['submitted', 'filled', 'partially-filled', 'rejected'],
  filled: [],
  'partially-filled': [],
  rejected: [],
};

export function isFinal(status: OrderStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** An order whose row says it may already be at the broker. */
export function possiblyAtBroker(status: OrderStatus): boolean {
  return status === 'pending' || status === 'submitted' || status === 'unknown';
}

/** A transition the state machine does not allow. */
export class IllegalOrderTransitionError extends Error {
  override readonly name = 'IllegalOrderTransitionError';
  constructor(clientOrderId: string, from: OrderStatus, to: OrderStatus) {
    super(`order ${clientOrderId}: ${from} -> ${to} is not a legal transition`);
  }
}

export function assertTransition(clientOrderId: string, from: OrderStatus, to: OrderStatus): void {
  if (!ORDER_TRANSITIONS[from].includes(to)) throw new IllegalOrderTransitionError(clientOrderId, from, to);
}
