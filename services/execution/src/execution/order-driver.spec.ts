import fc from 'fast-check';
import {
  type Broker,
  type BrokerOrder,
  type BrokerOrderRequest,
  BrokerTimeoutError,
  DuplicateClientOrderIdError,
} from '../broker/broker.port';
import { type DrivenOrder, driveOrder, type OrderStore } from './order-driver';
import { assertTransition, isFinal } from './order-status';

/** The process dies here (SIGKILL): nothing after this point of the step happens. */
class Crash extends Error {}

/**
 * A broker that keeps its book across the service's crashes, refuses duplicate client order ids,
 * and can lose a request (it never arrives) or a response (it arrived; the caller never hears).
 */
class SimulatedBroker implements Broker {
  readonly name = 'simulated';
  readonly quantityDecimals = 6;
  readonly book = new Map<string, BrokerOrder>();
  accepted = 0;
  duplicates = 0;
  /** Set by a kill right after the broker accepted: the process dies before its next write. */
  onKill: () => void = () => undefined;
  constructor(
    private readonly faults: () => 'none' | 'lost-request' | 'lost-response' | 'crash-after-accept',
    private readonly lookupFails: () => boolean,
  ) {}

  submit(request: BrokerOrderRequest): Promise<BrokerOrder> {
    const fault = this.faults();
    if (fault === 'lost-request') return Promise.reject(new BrokerTimeoutError('request lost'));
    if (this.book.has(request.clientOrderId)) {
      this.duplicates += 1;
      return Promise.reject(new DuplicateClientOrderIdError('taken'));
    }
    const order: BrokerOrder = {
      clientOrderId: request.clientOrderId,
      brokerOrderId: `b-${request.clientOrderId}`,
      state: 'done',
      filledQuantity: request.quantity,
      fills: [
        { fillId: 'f1', quantity: request.quantity, price: '10', fee: '0', at: '2024-01-02T15:00:00Z' },
      ],
      brokerStatus: 'filled',
      reason: null,
    };
    this.book.set(request.clientOrderId, order);
    this.accepted += 1;
    if (fault === 'lost-response') return Promise.reject(new BrokerTimeoutError('response lost'));
    if (fault === 'crash-after-accept') this.onKill();
    return Promise.resolve(order);
  }

  findByClientOrderId(clientOrderId: string): Promise<BrokerOrder | null> {
    if (this.lookupFails()) return Promise.reject(new Error('connection reset'));
    return Promise.resolve(this.book.get(clientOrderId) ?? null);
  }

  cancel(): Promise<void> {
    return Promise.resolve();
  }
}

/** The order row as PostgreSQL would keep it; a crash may hit before or after each write. */
class MemoryStore implements OrderStore {
  row: DrivenOrder = {
    clientOrderId: 'p-1',
    status: 'received',
    accountId: 'acct',
    symbol: 'VTI',
    side: 'sell',
    quantity: '5',
    limitPrice: '9.80',
    submittedAt: null,
    unknownSince: null,
  };
  submitAttempts = 0;
  finishedWith: BrokerOrder | null = null;
  killNextWrite = false;
  constructor(private readonly crashes: () => 'none' | 'before' | 'after') {}

  private write(change: () => void): Promise<void> {
    const when = this.killNextWrite ? 'before' : this.crashes();
    this.killNextWrite = false;
    if (when === 'before') return Promise.reject(new Crash('killed before a write'));
    change();
    if (when === 'after') return Promise.reject(new Crash('killed after a write'));
    return Promise.resolve();
  }

  private move(to: DrivenOrder['status'], extra: Partial<DrivenOrder> = {}): void {
    assertTransition(this.row.clientOrderId, this.row.status, to);
    this.row = { ...this.row, ...extra, status: to };
  }

  reload(): Promise<DrivenOrder> {
    return Promise.resolve({ ...this.row });
  }
  runPreTrade(): Promise<'pending'> {
    return this.write(() => this.move('pending')).then(() => 'pending' as const);
  }
  recordSubmitAttempt(): Promise<void> {
    return this.write(() => {
      this.submitAttempts += 1;
    });
  }
  markSubmitted(): Promise<void> {
    return this.write(() => {
      if (this.row.status !== 'submitted') this.move('submitted', { submittedAt: new Date(0) });
    });
  }
  markUnknown(): Promise<void> {
    return this.write(() => {
      if (this.row.status !== 'unknown') this.move('unknown', { unknownSince: new Date(0) });
    });
  }
  finish(_order: DrivenOrder, brokerOrder: BrokerOrder): Promise<void> {
    return this.write(() => {
      if (isFinal(this.row.status)) return;
      this.move('filled');
      this.finishedWith = brokerOrder;
    });
  }
  rejectAtBroker(): Promise<void> {
    return this.write(() => {
      if (!isFinal(this.row.status)) this.move('rejected');
    });
  }
}

/** Runs the driver as the service would: after each crash, a restart drives the stored row again. */
async function runWithRestarts(store: MemoryStore, broker: SimulatedBroker): Promise<number> {
  broker.onKill = () => {
    store.killNextWrite = true;
  };
  let restarts = 0;
  for (;;) {
    try {
      const outcome = await driveOrder(await store.reload(), store, broker, {
        orderTimeoutMs: 60_000,
        pollIntervalMs: 0,
        now: () => new Date(0),
        sleep: () => Promise.resolve(),
      });
      if (outcome === 'final') return restarts;
    } catch (error) {
      if (!(error instanceof Crash)) throw error;
      restarts += 1;
      if (restarts > 500) throw new Error('did not converge');
    }
  }
}

describe('driveOrder: an order reaches the broker at most once, whatever fails', () => {
  it('sends once and finishes with the fill when nothing fails', async () => {
    const broker = new SimulatedBroker(
      () => 'none',
      () => false,
    );
    const store = new MemoryStore(() => 'none');
    await runWithRestarts(store, broker);
    expect([store.row.status, broker.accepted, broker.duplicates, store.submitAttempts]).toEqual([
      'filled',
      1,
      0,
      1,
    ]);
  });

  it('looks a lost response up instead of sending again', async () => {
    let first = true;
    const broker = new SimulatedBroker(
      () => {
        const fault = first ? 'lost-response' : 'none';
        first = false;
        return fault;
      },
      () => false,
    );
    const store = new MemoryStore(() => 'none');
    await runWithRestarts(store, broker);
    expect([store.row.status, broker.accepted, broker.duplicates, store.submitAttempts]).toEqual([
      'filled',
      1,
      0,
      1,
    ]);
  });

  it('sends again under the same id only when the first request never arrived', async () => {
    let first = true;
    const broker = new SimulatedBroker(
      () => {
        const fault = first ? 'lost-request' : 'none';
        first = false;
        return fault;
      },
      () => false,
    );
    const store = new MemoryStore(() => 'none');
    await runWithRestarts(store, broker);
    expect([store.row.status, broker.accepted, broker.duplicates, store.submitAttempts]).toEqual([
      'filled',
      1,
      0,
      2,
    ]);
  });

  it('after a kill between the broker accepting and the row saying so, the restart finds the order', async () => {
    let first = true;
    const broker = new SimulatedBroker(
      () => {
        const fault = first ? 'crash-after-accept' : 'none';
        first = false;
        return fault;
      },
      () => false,
    );
    const store = new MemoryStore(() => 'none');
    const restarts = await runWithRestarts(store, broker);
    expect([restarts, store.row.status, broker.accepted, broker.duplicates]).toEqual([1, 'filled', 1, 0]);
  });

  it('property: with random kills, lost requests and responses and failing look-ups, exactly one order is accepted and none is refused as a duplicate', async () => {
    const fault = fc.constantFrom('none', 'none', 'lost-request', 'lost-response', 'crash-after-accept');
    const crash = fc.constantFrom('none', 'none', 'none', 'before', 'after');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fault, { minLength: 1, maxLength: 20 }),
        fc.array(crash, { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
        async (faults, crashes, lookupFailures) => {
          // Each script plays once, then everything works: the run must converge.
          const next =
            <T>(script: T[], otherwise: T) =>
            () =>
              script.shift() ?? otherwise;
          const broker = new SimulatedBroker(next(faults, 'none'), next(lookupFailures, false));
          const store = new MemoryStore(next(crashes, 'none'));
          await runWithRestarts(store, broker);
          expect(store.row.status).toBe('filled');
          expect(broker.accepted).toBe(1);
          expect(broker.duplicates).toBe(0);
          expect(store.finishedWith?.brokerOrderId).toBe('b-p-1');
        },
      ),
      { numRuns: 300 },
    );
  });
});
