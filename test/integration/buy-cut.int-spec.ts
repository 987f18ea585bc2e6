/**
 * A buy cut to the cash the sells actually produced, across api and execution on real Kafka and
 * PostgreSQL (issue 8, "Sells first, buys after the sells' cash is known").
 *
 * The household holds 100.00 cash and 20 SPY. The proposal (as the tax service would send it) sells
 * 4 SPY at 500.00 and buys 23 TLT at 90.00: 2 070.00 of TLT for 2 100.00 of cash, at the proposal's
 * prices. By the time it executes SPY is at 495.00 and TLT at 91.00 (within the 2 % collar and the
 * approval tolerance), so the paper broker fills the sell lower than proposed and the 23 TLT would
 * cost 2 094.21 against 2 078.80 at hand: execution sends 22 instead of refusing the buy, once, and
 * the api books exactly the two fills, listing both orders in portfolio.state's appliedOrderIds.
 *
 * Only api and execution run; price.tick and orders.proposed are sent here as market-data and tax
 * would send them. Isolation: a topic prefix, consumer-group prefix and schemas of this run only.
 */
import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  getTopicContract,
  ORDERS_APPROVED_TOPIC,
  ORDERS_EXECUTED_TOPIC,
  ORDERS_PROPOSED_TOPIC,
  ORDERS_REJECTED_TOPIC,
  type OrdersApprovedPayload,
  type OrdersExecutedPayload,
  type OrdersProposedPayload,
  parseMessage,
  PORTFOLIO_STATE_TOPIC,
  type PortfolioStatePayload,
  PRICE_TICK_TOPIC,
} from '@ballast/contracts';
import { KafkaTestClient, waitFor } from '@ballast/testing';
import Decimal from 'decimal.js';
import { Client } from 'pg';
import { apiCall, EndToEndRun, mintApiKeys, requiredEnv } from './support/end-to-end-run';

// Only api and execution, neither of which needs Redis here.
const run = new EndToEndRun('cut', ['api', 'execution'], { redis: false, logFilePrefix: 'buy-cut-' });
const topic = (name: string) => run.topic(name);
const schemaOf = (service: string) => run.schemaOf(service);
const BOOTSTRAP_KEY = `bootstrap-${randomUUID()}-${randomUUID()}`;

/** The prices the proposal was computed with, ten minutes ago, and the market's since. */
const PROPOSED_AT = new Date(Date.now() - 600_000).toISOString();
const MOVED_AT = new Date(Date.now() - 60_000).toISOString();
const PROPOSED = { SPY: '500.00', TLT: '90.00' } as const;
const MOVED = { SPY: '495.00', TLT: '91.00' } as const;

let kafka: KafkaTestClient;
let db: Client;
const keys: Record<string, string> = {};

const call = (method: string, route: string, credential: string, body?: unknown) =>
  apiCall(run.svc('api').baseUrl, method, route, credential, body);

async function send<T>(name: string, key: string, payload: T): Promise<void> {
  const envelope = createEnvelope({
    type: name,
    schemaVersion: getTopicContract(name).schemaVersion,
    producedBy: 'test',
    payload,
  });
  await kafka.send(topic(name), [{ key, value: JSON.stringify(envelope) }]);
}

function payloads<T>(name: string, predicate: (payload: T) => boolean): T[] {
  return kafka
    .messages(topic(name))
    .map((message) => {
      const parsed = parseMessage(name, message.json);
      if (!parsed.ok) throw new Error(`${name} does not match its schema: ${JSON.stringify(parsed.issues)}`);
      return parsed.envelope.payload as T;
    })
    .filter(predicate);
}

/** One outcome per leg, deduplicated by client order id (the outbox may deliver one twice). */
function executedLegs(proposalId: string): OrdersExecutedPayload[] {
  const byId = new Map(
    payloads<OrdersExecutedPayload>(ORDERS_EXECUTED_TOPIC, (p) => p.proposalId === proposalId).map((p) => [
      p.clientOrderId,
      p,
    ]),
  );
  return [...byId.values()].sort((a, b) => a.leg - b.leg);
}

async function tick(symbol: string, price: string, asOf: string): Promise<void> {
  await send(PRICE_TICK_TOPIC, symbol, {
    symbol,
    price,
    currency: 'USD',
    asOf,
    asOfMillis: Date.parse(asOf),
    source: 'test',
  });
}

function anOrdersProposed(portfolioId: string, stateVersion: number): OrdersProposedPayload {
  return {
    proposalId: randomUUID(),
    portfolioId,
    stateVersion,
    asOf: PROPOSED_AT,
    baseCurrency: 'USD',
    orders: [
      {
        leg: 1,
        accountId: 'taxable',
        symbol: 'SPY',
        side: 'sell',
        quantity: '4',
        referencePrice: PROPOSED.SPY,
        estimatedValue: '2000.00',
        lots: [
          {
            lotId: 'spy-2020',
            acquiredOn: '2020-01-02',
            quantity: '4',
            costBasis: '1600.00',
            gain: '400.00',
            term: 'long',
          },
        ],
      },
      {
        leg: 2,
        accountId: 'taxable',
        symbol: 'TLT',
        side: 'buy',
        quantity: '23',
        referencePrice: PROPOSED.TLT,
        estimatedValue: '2070.00',
        lots: [],
      },
    ],
    taxImpact: { realizedShortTerm: '0.00', realizedLongTerm: '400.00', estimatedTax: '60.00' },
    washSales: [],
    washSaleCoverage: { complete: true, reason: null },
    approval: {
      required: false,
      approversRequired: 0,
      reason: 'below the approval threshold',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    },
    totalValue: '10100.00',
    pricesUsed: (['SPY', 'TLT'] as const).map((symbol) => ({
      symbol,
      price: PROPOSED[symbol],
      currency: 'USD',
      asOf: PROPOSED_AT,
      source: 'replay',
    })),
    explanation: ['test proposal: sell SPY, buy TLT with the proceeds'],
  };
}

beforeAll(async () => {
  await run.build();
  run.add('api', { API_BOOTSTRAP_ADMIN_KEY: BOOTSTRAP_KEY });
  run.add('execution', {
    EXECUTION_BROKER: 'paper',
    EXECUTION_POLL_INTERVAL_MS: '50',
    EXECUTION_MAX_PRICE_AGE_MS: '3600000',
    EXECUTION_COMMISSION_PER_ORDER: '1.00',
    EXECUTION_SPREAD_BPS: '2',
    EXECUTION_PRICE_COLLAR_BPS: '200',
  });
  await run.start(180_000);
  kafka = new KafkaTestClient(requiredEnv('KAFKA_BROKERS').split(','));
  await kafka.watch([
    topic(PORTFOLIO_STATE_TOPIC),
    topic(ORDERS_APPROVED_TOPIC),
    topic(ORDERS_EXECUTED_TOPIC),
    topic(ORDERS_REJECTED_TOPIC),
  ]);
  db = new Client({ connectionString: requiredEnv('DATABASE_URL') });
  await db.connect();
  Object.assign(
    keys,
    await mintApiKeys(run.svc('api').baseUrl, BOOTSTRAP_KEY, [
      ['alice', 'advisor'],
      ['ann', 'approver'],
    ]),
  );
}, 420_000);

afterAll(() => run.teardown({ kafka, extraSteps: [async () => db?.end()] }), 120_000);

afterEach(() => run.logTailsOnFailure());

describe('a buy cut to the cash the sells produced (api + execution)', () => {
  it('the sell fills lower than proposed, the buy is cut and sent once, and the ledger books exactly the fills', async () => {
    const created = await call('POST', '/portfolios', keys['alice']!, {
      name: 'Cut household',
      baseCurrency: 'USD',
      accounts: [
        {
          accountId: 'taxable',
          name: 'Taxable',
          type: 'taxable',
          cash: '100.00',
          positions: [
            {
              symbol: 'SPY',
              quantity: '20',
              lots: [{ lotId: 'spy-2020', quantity: '20', costBasis: '8000.00', acquiredOn: '2020-01-02' }],
            },
          ],
        },
      ],
      targets: [
        { symbol: 'SPY', weight: 0.8 },
        { symbol: 'TLT', weight: 0.2 },
      ],
      policy: { absoluteBandBps: 500 },
    });
    expect(created.status).toBe(201);
    const portfolioId = String(created.body['portfolioId']);
    expect(
      (
        await call('POST', `/households/${String(created.body['householdId'])}/members`, keys['alice']!, {
          userId: 'ann',
        })
      ).status,
    ).toBe(201);

    // The market moved after the proposal: both services hold the new prices before it arrives.
    for (const symbol of ['SPY', 'TLT'] as const) await tick(symbol, MOVED[symbol], MOVED_AT);
    await waitFor('execution to hold the moved prices', async () => {
      const rows = await db.query<{ symbol: string }>(
        `SELECT symbol FROM "${schemaOf('execution')}".last_price WHERE as_of = $1`,
        [MOVED_AT],
      );
      return rows.rowCount === 2 ? true : undefined;
    });
    await waitFor('the api to hold the moved prices', async () => {
      const { body } = await call('GET', '/prices?symbols=SPY,TLT', keys['ann']!);
      const held = body as unknown as { asOf: string }[];
      return held.length === 2 && held.every((price) => Date.parse(price.asOf) === Date.parse(MOVED_AT))
        ? true
        : undefined;
    });

    const proposed = anOrdersProposed(portfolioId, 1);
    await send(ORDERS_PROPOSED_TOPIC, portfolioId, proposed);
    const approved = await waitFor(
      'orders.approved by policy',
      () =>
        payloads<OrdersApprovedPayload>(
          ORDERS_APPROVED_TOPIC,
          (p) => p.proposalId === proposed.proposalId,
        )[0],
    );
    expect(approved.orders.map((order) => [order.side, order.quantity, order.referencePrice])).toEqual([
      ['sell', '4', MOVED.SPY],
      ['buy', '23', MOVED.TLT],
    ]);

    const [sell, buy] = await waitFor(
      'orders.executed for both legs',
      () => {
        const legs = executedLegs(proposed.proposalId);
        return legs.length === 2 ? legs : undefined;
      },
      { timeoutMs: 60_000 },
    );
    // Paper fills: the last price with half of the 2 bp spread crossed, 1.00 commission per order.
    // Sell: 4 × 494.9505 - 1.00 = 1978.802, so 100.00 + 1978.802 = 2078.802 to spend.
    expect([sell?.status, sell?.filledQuantity, sell?.fills.map((fill) => [fill.price, fill.fee])]).toEqual([
      'filled',
      '4',
      [['494.9505', '1']],
    ]);
    // Buy: 23 × 91.0091 + 1.00 = 2094.2093 > 2078.802; (2078.802 - 1.00) / 91.0091 = 22.83, so 22.
    expect([buy?.status, buy?.requestedQuantity, buy?.filledQuantity]).toEqual(['filled', '22', '22']);
    // Whether the api had booked the sell before the buy's check only moves the 2078.80 between
    // "in the ledger" and "from orders not yet in it".
    expect(buy?.reduction).toEqual({
      approvedQuantity: '23',
      reason: 'reduced-to-available-cash',
      detail: expect.stringMatching(
        /^buy 23 TLT in taxable needs 2094\.21; 2078\.80 available \((100\.00 in the ledger, 1978\.80|2078\.80 in the ledger, 0\.00) from orders not yet in it\): 22 sent \(2003\.20\)$/,
      ) as unknown,
    });
    expect(payloads(ORDERS_REJECTED_TOPIC, () => true)).toEqual([]);

    // Each order reached the paper broker once, the buy with the cut quantity.
    const book = await db.query<{ client_order_id: string; quantity: string }>(
      `SELECT client_order_id, quantity::text FROM "${schemaOf('execution')}".paper_order WHERE client_order_id = ANY($1) ORDER BY created_at`,
      [[sell!.clientOrderId, buy!.clientOrderId]],
    );
    expect(book.rows).toEqual([
      { client_order_id: sell!.clientOrderId, quantity: '4' },
      { client_order_id: buy!.clientOrderId, quantity: '22' },
    ]);
    const submissions = await db.query<{ client_order_id: string; outcome: string }>(
      `SELECT client_order_id, outcome FROM "${schemaOf('execution')}".paper_submission WHERE client_order_id = ANY($1)`,
      [[sell!.clientOrderId, buy!.clientOrderId]],
    );
    expect(submissions.rows.map((row) => row.outcome)).toEqual(['accepted', 'accepted']);

    // The ledger: exactly the fills, computed here from the events.
    const state = await waitFor(
      'portfolio.state with both orders applied',
      () =>
        payloads<PortfolioStatePayload>(
          PORTFOLIO_STATE_TOPIC,
          (s) =>
            s.portfolioId === portfolioId &&
            (s.appliedOrderIds ?? []).includes(sell!.clientOrderId) &&
            (s.appliedOrderIds ?? []).includes(buy!.clientOrderId),
        )[0],
    );
    const cashFrom = (executed: OrdersExecutedPayload) =>
      executed.fills.reduce((sum, fill) => {
        const value = new Decimal(fill.quantity).times(fill.price);
        return executed.side === 'sell' ? sum.plus(value).minus(fill.fee) : sum.minus(value).minus(fill.fee);
      }, new Decimal(0));
    const expectedCash = new Decimal('100.00').plus(cashFrom(sell!)).plus(cashFrom(buy!));
    expect(expectedCash.toFixed()).toBe('75.6018');
    const account = state.accounts[0];
    expect(new Decimal(account?.cash ?? 'NaN').eq(expectedCash)).toBe(true);
    expect(account?.positions.map((position) => [position.symbol, position.quantity])).toEqual([
      ['SPY', '16'],
      ['TLT', '22'],
    ]);
    // The TLT lot's basis is what the buy cost: 22 × 91.0091 + 1.00.
    expect(
      account?.positions[1]?.lots.map((lot) => [lot.quantity, new Decimal(lot.costBasis).toFixed()]),
    ).toEqual([['22', '2003.2002']]);
    expect(state.appliedOrderIds).toEqual([sell!.clientOrderId, buy!.clientOrderId]);
    const current = await call('GET', `/portfolios/${portfolioId}`, keys['ann']!);
    expect(current.body['version']).toBe(state.version);

    // The api's view of the leg says what was approved, what was sent and why.
    const orders = await call('GET', `/orders?proposalId=${proposed.proposalId}`, keys['ann']!);
    const buyLeg = (orders.body as unknown as { leg: number; state: Record<string, unknown> }[]).find(
      (order) => order.leg === 2,
    );
    expect(buyLeg?.state).toMatchObject({
      status: 'filled',
      filledQuantity: '22',
      reduction: { approvedQuantity: '23', sentQuantity: '22', reason: 'reduced-to-available-cash' },
    });

    // Execution stops counting both orders against the ledger once the snapshot lists them.
    await waitFor('execution to see both orders applied', async () => {
      const rows = await db.query<{ applied: boolean }>(
        `SELECT applied FROM "${schemaOf('execution')}".execution_order WHERE proposal_id = $1`,
        [proposed.proposalId],
      );
      return rows.rowCount === 2 && rows.rows.every((row) => row.applied) ? true : undefined;
    });
  });
});
