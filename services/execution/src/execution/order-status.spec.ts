import {
  assertTransition,
  FINAL_STATUSES,
  IllegalOrderTransitionError,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  possiblyAtBroker,
} from './order-status';

describe('order state machine', () => {
  it('final states are terminal', () => {
    for (const status of FINAL_STATUSES) expect([status, ORDER_TRANSITIONS[status]]).toEqual([status, []]);
  });

  it('an order reaches the broker only through pending (after the pre-trade checks)', () => {
    expect(ORDER_TRANSITIONS.received).toEqual(['pending', 'rejected']);
    const reachableFromReceivedWithoutPending = ORDER_STATUSES.filter(
      (status) => status !== 'pending' && ORDER_TRANSITIONS.received.includes(status),
    );
    expect(reachableFromReceivedWithoutPending.filter(possiblyAtBroker)).toEqual([]);
  });

  it('nothing goes back to received or pending', () => {
    for (const from of ORDER_STATUSES) {
      expect(
        ORDER_TRANSITIONS[from].filter(
          (to) => to === 'received' || (to === 'pending' && from !== 'received'),
        ),
      ).toEqual([]);
    }
  });

  it('refuses an illegal move by name', () => {
    expect(() => assertTransition('p-1', 'filled', 'submitted')).toThrow(
      new IllegalOrderTransitionError('p-1', 'filled', 'submitted'),
    );
    expect(() => assertTransition('p-1', 'unknown', 'filled')).not.toThrow();
  });
});
