/**
 * The execution service as its own process (the built output, what the image runs) on real Kafka
 * and PostgreSQL, with the paper broker. Messages go in as another service would send them;
 * evidence comes out of Kafka (orders.executed / orders.rejected / the dead-letter topic) and out
 * of the paper broker's book and submission log (PostgreSQL), which outlive the service process.
 *
 * Isolation: topic prefix, consumer-group prefix and schema of this run only; dropped at the end.
 */
import { randomUUID } from 'node:crypto';
import {
  clientOrderIdFor,
  createEnvelope,
  deadLetterTopicFor,
  type DeadLetter,
  type MessageEnvelope,
  ORDERS_APPROVED_SCHEMA_VERSION,
  ORDERS_APPROVED_TOPIC,
  ORDERS_EXECUTED_TOPIC,
  ORDERS_REJECTED_TOPIC,
  type OrdersApprovedPayload,
  type OrdersExecutedPayload,
  type OrdersRejectedPayload,
  parseMessage,
  PORTFOLIO_STATE_SCHEMA_VERSION,
  PORTFOLIO_STATE_TOPIC,
  type PortfolioStatePayload,
  PRICE_TICK_SCHEMA_VERSION,
  PRICE_TICK_TOPIC,
  type PriceTickPayload,
  toCloudEventHeaders,
} from '@ballast/contracts';
import {
  buildService,
  KafkaTestClient,
  randomPort,
  type ReceivedMessage,
  ServiceProcess,
  uniqueRunId,
  waitFor,
} from '@ballast/testing';
import { Client } from 'pg';

const runId = uniqueRunId('x');
const groupPrefix = `${runId}-`;
const topicPrefix = `${runId}.`;
const schema = `execution_${runId}`;
const topic = (name: string) => `${topicPrefix}${name}`;
const DLQ = deadLetterTopicFor(`${groupPrefix}execution`);

const PRICE_AS_OF = new Date(Date.now() - 60_000).toISOString();
const PRICES = { VTI: '250.00', BND: '72.00', VXUS: '58.00' } as const;

let service: ServiceProcess;
let kafka: KafkaTestClient;
let db: Client;

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: the integration global setup did not run`);
  return value;
}

async function send<T>(logical: string, key: string, envelope: MessageEnvelope<T>): Promise<void> {
  await kafka.send(topic(logical), [
    { key, value: JSON.stringify(envelope), headers: toCloudEventHeaders(envelope) },
  ]);
}

function envelope<T>(
  type: string,
  schemaVersion: number,
  payload: T,
  producedBy = 'api',
): MessageEnvelope<T> {
  return createEnvelope({ type, schemaVersion, producedBy, payload });
}

function aPortfolio(
  overrides: Partial<PortfolioStatePayload> & { cash: string; vti: string },
): PortfolioStatePayload {
  // No appliedOrderIds unless given: an older api, for which execution keeps its version heuristic.
  const { cash, vti, ...rest } = overrides;
  return {
    portfolioId: randomUUID(),
    householdId: 'household-1',
    name: 'Test household',
    baseCurrency: 'USD',
    version: 1,
    accounts: [
      {
        accountId: 'acct-taxable',
        name: 'Taxable',
        type: 'taxable',
        cash,
        positions: [{ symbol: 'VTI', quantity: vti, lots: [] }],
      },
    ],
    targets: [
      { symbol: 'VTI', weight: 0.6 },
      { symbol: 'BND', weight: 0.4 },
    ],
    policy: { absoluteBandBps: 500 },
    updatedAt: new Date().toISOString(),
    ...rest,
  };
}

interface Leg {
  symbol: keyof typeof PRICES;
  side: 'buy' | 'sell';
  quantity: string;
  referencePrice?: string;
}

function anApproval(
  portfolio: PortfolioStatePayload,
  legs: Leg[],
  overrides: Partial<OrdersApprovedPayload> = {},
) {
  const proposalId = randomUUID();
  const approvedAt = new Date(Date.now() - 1_000).toISOString();
  const payload: OrdersApprovedPayload = {
    proposalId,
    portfolioId: portfolio.portfolioId,
    stateVersion: portfolio.version,
    baseCurrency: 'USD',
    approvals: [{ kind: 'policy', rule: 'below the approval threshold', at: approvedAt }],
    approvedAt,
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    orders: legs.map((leg, index) => ({
      leg: index + 1,
      clientOrderId: clientOrderIdFor(proposalId, index + 1),
      accountId: 'acct-taxable',
      symbol: leg.symbol,
      side: leg.side,
      quantity: leg.quantity,
      referencePrice: leg.referencePrice ?? PRICES[leg.symbol],
    })),
    pricesUsed: Object.entries(PRICES).map(([symbol, price]) => ({
      symbol,
      price,
      currency: 'USD',
      asOf: PRICE_AS_OF,
      source: 'replay',
    })),
    ...overrides,
  };
  return envelope(ORDERS_APPROVED_TOPIC, ORDERS_APPROVED_SCHEMA_VERSION, payload);
}

function payloadOf<T>(message: ReceivedMessage): MessageEnvelope<T> {
  const parsed = parseMessage(message.topic.slice(topicPrefix.length), message.json);
  if (!parsed.ok)
    throw new Error(`${message.topic} does not match its schema: ${JSON.stringify(parsed.issues)}`);
  return parsed.envelope as MessageEnvelope<T>;
}

/** Outcome events of a proposal, one per distinct envelope id (the outbox may deliver one twice). */
function outcomes(proposalId: string) {
  const seen = new Map<string, MessageEnvelope<OrdersExecutedPayload | OrdersRejectedPayload>>();
  for (const message of [
    ...kafka.messages(topic(ORDERS_EXECUTED_TOPIC)),
    ...kafka.messages(topic(ORDERS_REJECTED_TOPIC)),
  ]) {
    const parsed = payloadOf<OrdersExecutedPayload | OrdersRejectedPayload>(message);
    if (parsed.payload.proposalId === proposalId) seen.set(parsed.id, parsed);
  }
  return [...seen.values()].sort((a, b) => a.payload.leg - b.payload.leg);
}

async function legsSettled(approval: MessageEnvelope<OrdersApprovedPayload>) {
  return waitFor(
    `an outcome for each of the ${approval.payload.orders.length} legs of ${approval.payload.proposalId}`,
    () => {
      const found = outcomes(approval.payload.proposalId);
      return found.length >= approval.payload.orders.length ? found : undefined;
    },
    { timeoutMs: 60_000, lastSeen: () => `service log:\n${service.tail(20)}` },
  );
}

async function paperLog(clientOrderIds: readonly string[]) {
  const orders = await db.query<{ client_order_id: string; created_at: Date }>(
    `SELECT client_order_id, created_at FROM "${schema}".paper_order WHERE client_order_id = ANY($1) ORDER BY created_at`,
    [clientOrderIds],
  );
  const submissions = await db.query<{ client_order_id: string; outcome: string }>(
    `SELECT client_order_id, outcome FROM "${schema}".paper_submission WHERE client_order_id = ANY($1) ORDER BY id`,
    [clientOrderIds],
  );
  return { orders: orders.rows, submissions: submissions.rows };
}

function startService(extra: Record<string, string> = {}): ServiceProcess {
  return new ServiceProcess('execution', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    HTTP_PORT: String(randomPort()),
    SERVICE_INSTANCE_ID: runId,
    KAFKA_BROKERS: requiredEnv('KAFKA_BROKERS'),
    KAFKA_GROUP_PREFIX: groupPrefix,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    KAFKA_MAX_ATTEMPTS: '3',
    DATABASE_URL: requiredEnv('DATABASE_URL'),
    DATABASE_SCHEMA: schema,
    EXECUTION_MAX_PRICE_AGE_MS: '900000',
    EXECUTION_MAX_ORDER_NOTIONAL: '50000',
    EXECUTION_PRICE_COLLAR_BPS: '200',
    EXECUTION_POLL_INTERVAL_MS: '50',
    EXECUTION_COMMISSION_PER_ORDER: '1.00',
    EXECUTION_SPREAD_BPS: '2',
    ...extra,
  });
}

beforeAll(async () => {
  await buildService('execution');
  // A little broker latency widens the window between "the broker accepted" and "the row says so",
  // where the kill test below aims.
  service = startService({ PAPER_LATENCY_MS: '300' });
  await service.start(120_000);
  kafka = new KafkaTestClient(requiredEnv('KAFKA_BROKERS').split(','));
  await kafka.watch([topic(ORDERS_EXECUTED_TOPIC), topic(ORDERS_REJECTED_TOPIC), topic(DLQ)]);
  db = new Client({ connectionString: requiredEnv('DATABASE_URL') });
  await db.connect();
  const asOfMillis = Date.parse(PRICE_AS_OF);
  for (const [symbol, price] of Object.entries(PRICES)) {
    const tick: PriceTickPayload = {
      symbol,
      price,
      currency: 'USD',
      asOf: PRICE_AS_OF,
      asOfMillis,
      source: 'replay',
    };
    await send(
      PRICE_TICK_TOPIC,
      symbol,
      envelope(PRICE_TICK_TOPIC, PRICE_TICK_SCHEMA_VERSION, tick, 'market-data'),
    );
  }
  await waitFor('the last prices to be stored', async () => {
    const rows = await db.query(`SELECT symbol FROM "${schema}".last_price`);
    return rows.rowCount === Object.keys(PRICES).length ? true : undefined;
  });
}, 240_000);

afterAll(async () => {
  const steps: (() => Promise<unknown>)[] = [
    async () => service?.stop(),
    async () => kafka?.close(),
    async () => kafka?.deleteTopicsWithPrefix(topicPrefix),
    async () => db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
    async () => db?.end(),
  ];
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} teardown step(s) failed`);
}, 60_000);

afterEach(() => {
  const state = expect.getState();
  if (state.assertionCalls > state.numPassingAsserts || state.suppressedErrors.length > 0) {
    process.stderr.write(`\n--- execution log tail ---\n${service.tail(40)}\n`);
  }
});

async function aPortfolioOnTheLedger(cash: string, vti: string): Promise<PortfolioStatePayload> {
  const portfolio = aPortfolio({ cash, vti });
  await send(
    PORTFOLIO_STATE_TOPIC,
    portfolio.portfolioId,
    envelope(PORTFOLIO_STATE_TOPIC, PORTFOLIO_STATE_SCHEMA_VERSION, portfolio),
  );
  return portfolio;
}

describe('execution: orders.approved -> paper broker -> orders.executed | orders.rejected', () => {
  it('sells first, buys with the proceeds once the sells filled, and carries the run ids', async () => {
    // 1 000 cash cannot pay 60 BND (about 4 321); with 16 VTI sold (about 3 999) it can.
    const portfolio = await aPortfolioOnTheLedger('1000.00', '20');
    const approval = anApproval(portfolio, [
      { symbol: 'BND', side: 'buy', quantity: '60' },
      { symbol: 'VTI', side: 'sell', quantity: '16' },
    ]);
    await send(ORDERS_APPROVED_TOPIC, portfolio.portfolioId, approval);
    const [buy, sell] = await legsSettled(approval);

    expect(sell?.type).toBe(ORDERS_EXECUTED_TOPIC);
    expect(buy?.type).toBe(ORDERS_EXECUTED_TOPIC);
    const sold = sell?.payload as OrdersExecutedPayload;
    const bought = buy?.payload as OrdersExecutedPayload;
    // Paper fills: last price -/+ half of the 2 bps spread, 1.00 commission per order.
    expect([sold.status, sold.filledQuantity, sold.fills[0]?.price, sold.fills[0]?.fee]).toEqual([
      'filled',
      '16',
      '249.975',
      '1',
    ]);
    expect([bought.status, bought.filledQuantity, bought.fills[0]?.price, bought.broker]).toEqual([
      'filled',
      '60',
      '72.0072',
      'paper',
    ]);
    for (const event of [buy, sell]) {
      expect([event?.correlationId, event?.causationId]).toEqual([approval.correlationId, approval.id]);
    }
    const log = await paperLog(approval.payload.orders.map((order) => order.clientOrderId));
    expect(log.orders.map((order) => order.client_order_id)).toEqual([
      sold.clientOrderId,
      bought.clientOrderId,
    ]);
  });

  it('a redelivered approval, and the same approval under a new message id, send nothing twice', async () => {
    const portfolio = await aPortfolioOnTheLedger('10000.00', '20');
    const approval = anApproval(portfolio, [
      { symbol: 'VTI', side: 'sell', quantity: '2' },
      { symbol: 'BND', side: 'buy', quantity: '5' },
    ]);
    await send(ORDERS_APPROVED_TOPIC, portfolio.portfolioId, approval);
    await legsSettled(approval);
    await send(ORDERS_APPROVED_TOPIC, portfolio.portfolioId, approval);
    await send(ORDERS_APPROVED_TOPIC, portfolio.portfolioId, { ...approval, id: randomUUID() });
    // Same key, same partition: once this marker is done, both redeliveries were consumed before it.
    const marker = anApproval(portfolio, [{ symbol: 'VTI', side: 'sell', quantity: '1' }]);
    await send(ORDERS_APPROVED_TOPIC, portfolio.portfolioId, marker);
    await legsSettled(marker);

    const ids = approval.payload.orders.map((order) => order.clientOrderId);
    const log = await paperLog(ids);
    expect(log.orders).toHaveLength(2);
    expect(log.submissions).toEqual(ids.map((id) => ({ client_order_id: id, outcome: 'accepted' })));
    expect(outcomes(approval.payload.proposalId)).toHaveLength(2);
    // Absorbed, not failed: neither redelivery was dead-lettered.
    expect(kafka.messages(topic(DLQ), (message) => message.key === portfolio.portfolioId)).toEqual([]);
  });

  it('a poison message goes to the dead-letter topic with its reason; the next approval still executes', async () => {
    const portfolio = await aPortfolioOnTheLedger('10000.00', '20');
    const bad = anApproval(portfolio, [{ symbol: 'VTI', side: 'sell', quantity: '1' }]);
    const badPayload = { ...bad.payload, orders: [{ ...bad.payload.orders[0], quantity: '-3' }] };
    await kafka.send(topic(ORDERS_APPROVED_TOPIC), [
      { key: portfolio.portfolioId, value: '{"not json' },
      { key: portfolio.portfolioId, value: JSON.stringify({ ...bad, payload: badPayload }) },
    ]);
    const good = anApproval(portfolio, [{ symbol: 'VTI', side: 'sell', quantity: '1' }]);
    await send(ORDERS_APPROVED_TOPIC, portfolio.portfolioId, good);
    const [executed] = await legsSettled(good);
    expect(executed?.type).toBe(ORDERS_EXECUTED_TOPIC);

    const letters = await waitFor('two dead letters', () => {
      const found = kafka
        .messages(topic(DLQ))
        .map((message) => message.json as DeadLetter)
        .filter((letter) => letter.key === portfolio.portfolioId);
      return found.length >= 2 ? found : undefined;
    });
    expect(letters.map((letter) => [letter.reason.kind, letter.sourceTopic])).toEqual([
      ['schema', topic(ORDERS_APPROVED_TOPIC)],
      ['schema', topic(ORDERS_APPROVED_TOPIC)],
    ]);
    expect(letters[0]?.reason.message).toMatch(/^value is not valid JSON/);
    expect(letters[1]?.reason.issues).toContainEqual({
      path: 'payload.orders.0.quantity',
      message: 'must be greater than zero',
    });
    expect(outcomes(bad.payload.proposalId)).toEqual([]);
  });

  it('pre-trade: collar, cash, max notional, kill switch and expiry each refuse with their code and values', async () => {
    const portfolio = await aPortfolioOnTheLedger('500.00', '20');
    const collar = anApproval(portfolio, [
      { symbol: 'VXUS', side: 'buy', quantity: '1', referencePrice: '55.00' },
    ]);
    // Not one BND fits in 50.00: refused, not cut to nothing.
    const poor = await aPortfolioOnTheLedger('50.00', '1');
    const cash = anApproval(poor, [{ symbol: 'BND', side: 'buy', quantity: '7' }]);
    const notional = anApproval(portfolio, [{ symbol: 'BND', side: 'buy', quantity: '700' }]);
    const shortSale = anApproval(portfolio, [{ symbol: 'VTI', side: 'sell', quantity: '21' }]);
    const expired = anApproval(portfolio, [{ symbol: 'VTI', side: 'sell', quantity: '1' }], {
      approvedAt: new Date(Date.now() - 7_200_000).toISOString(),
      expiresAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    for (const approval of [collar, cash, notional, shortSale, expired]) {
      await send(ORDERS_APPROVED_TOPIC, approval.payload.portfolioId, approval);
    }
    const rejected = async (approval: MessageEnvelope<OrdersApprovedPayload>) => {
      const [event] = await legsSettled(approval);
      expect(event?.type).toBe(ORDERS_REJECTED_TOPIC);
      const payload = event?.payload as OrdersRejectedPayload;
      return [payload.stage, payload.code, payload.reason];
    };
    expect(await rejected(collar)).toEqual([
      'pre-trade',
      'price-collar',
      'last price 58 is 5.45% from the reference 55; the collar is 2.00%',
    ]);
    expect(await rejected(cash)).toEqual([
      'pre-trade',
      'insufficient-cash',
      'buy 7 BND in acct-taxable needs 505.05; 50.00 available (50.00 in the ledger, 0.00 from orders not yet in it); not even one share fits',
    ]);
    expect(await rejected(notional)).toEqual([
      'pre-trade',
      'max-order-notional',
      'buy 700 BND: order 50400.00 > max notional 50000.00',
    ]);
    expect((await rejected(shortSale)).slice(0, 2)).toEqual(['pre-trade', 'insufficient-holdings']);
    expect((await rejected(expired)).slice(0, 2)).toEqual(['pre-trade', 'expired']);

    const engaged = await fetch(`${service.baseUrl}/kill-switch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'broker incident' }),
    });
    expect(engaged.status).toBe(200);
    try {
      const stopped = anApproval(portfolio, [{ symbol: 'VTI', side: 'sell', quantity: '1' }]);
      await send(ORDERS_APPROVED_TOPIC, portfolio.portfolioId, stopped);
      const [code, reason] = (await rejected(stopped)).slice(1);
      expect(code).toBe('kill-switch');
      expect(reason).toMatch(/^kill switch on: engaged at .* \(broker incident\)$/);
    } finally {
      expect((await fetch(`${service.baseUrl}/kill-switch`, { method: 'DELETE' })).status).toBe(200);
    }
    const ids = [collar, cash, notional, shortSale, expired].flatMap((approval) =>
      approval.payload.orders.map((order) => order.clientOrderId),
    );
    expect((await paperLog(ids)).submissions).toEqual([]);
  });

  it('two approvals in a row cannot spend the same cash: the second buy is cut to what is left', async () => {
    // 800 pays for one 10-BND buy (721.07), and for 1 more BND of the second: (78.93 - 1) / 72.0072.
    const portfolio = await aPortfolioOnTheLedger('800.00', '0.5');
    const first = anApproval(portfolio, [{ symbol: 'BND', side: 'buy', quantity: '10' }]);
    const second = anApproval(portfolio, [{ symbol: 'BND', side: 'buy', quantity: '10' }]);
    await send(ORDERS_APPROVED_TOPIC, portfolio.portfolioId, first);
    await send(ORDERS_APPROVED_TOPIC, portfolio.portfolioId, second);
    const [a] = await legsSettled(first);
    const [b] = await legsSettled(second);
    expect([a?.type, b?.type]).toEqual([ORDERS_EXECUTED_TOPIC, ORDERS_EXECUTED_TOPIC]);
    const cut = b?.payload as OrdersExecutedPayload;
    expect([cut.requestedQuantity, cut.filledQuantity, cut.status]).toEqual(['1', '1', 'filled']);
    expect(cut.reduction).toEqual({
      approvedQuantity: '10',
      reason: 'reduced-to-available-cash',
      detail:
        'buy 10 BND in acct-taxable needs 721.07; 78.93 available (800.00 in the ledger, -721.07 from orders not yet in it): 1 sent (73.01)',
    });
    // The paper broker was sent the cut quantity, once; the row keeps what was approved.
    const rows = await db.query<{ quantity: string; approved_quantity: string; reduction_reason: string }>(
      `SELECT quantity::text, approved_quantity::text, reduction_reason FROM "${schema}".execution_order WHERE client_order_id = $1`,
      [cut.clientOrderId],
    );
    expect(rows.rows).toEqual([
      { quantity: '1', approved_quantity: '10', reduction_reason: 'reduced-to-available-cash' },
    ]);
    const log = await paperLog([cut.clientOrderId]);
    expect(log.submissions).toEqual([{ client_order_id: cut.clientOrderId, outcome: 'accepted' }]);
  });

  it('counts a finished order against the ledger until a snapshot lists it in appliedOrderIds, not before', async () => {
    const portfolio = aPortfolio({ cash: '800.00', vti: '0.5', appliedOrderIds: [] });
    const publish = (state: PortfolioStatePayload) =>
      send(
        PORTFOLIO_STATE_TOPIC,
        state.portfolioId,
        envelope(PORTFOLIO_STATE_TOPIC, PORTFOLIO_STATE_SCHEMA_VERSION, state),
      );
    const snapshotHeld = (version: number) =>
      waitFor(`snapshot v${version} to be held`, async () => {
        const rows = await db.query<{ version: number }>(
          `SELECT version FROM "${schema}".portfolio_snapshot WHERE portfolio_id = $1`,
          [portfolio.portfolioId],
        );
        return rows.rows[0]?.version === version ? true : undefined;
      });
    await publish(portfolio);
    const first = anApproval(portfolio, [{ symbol: 'BND', side: 'buy', quantity: '10' }]);
    await send(ORDERS_APPROVED_TOPIC, portfolio.portfolioId, first);
    const [bought] = await legsSettled(first);
    expect(bought?.type).toBe(ORDERS_EXECUTED_TOPIC);
    const firstId = (bought?.payload as OrdersExecutedPayload).clientOrderId;

    // A deposit of 100 booked after the fill, before the ledger applied it: a newer version written
    // after the fill, which the older heuristic took as including it. It does not list the order.
    const deposit = {
      ...portfolio,
      version: 2,
      accounts: [{ ...portfolio.accounts[0]!, cash: '900.00' }],
      updatedAt: new Date().toISOString(),
    };
    await publish(deposit);
    await snapshotHeld(2);
    const second = anApproval(deposit, [{ symbol: 'BND', side: 'buy', quantity: '10' }]);
    await send(ORDERS_APPROVED_TOPIC, portfolio.portfolioId, second);
    const [cut] = await legsSettled(second);
    // 900.00 - 721.07 = 178.93 to spend: (178.93 - 1) / 72.0072 = 2.47, so 2 BND, not 10.
    expect((cut?.payload as OrdersExecutedPayload).reduction?.detail).toBe(
      'buy 10 BND in acct-taxable needs 721.07; 178.93 available (900.00 in the ledger, -721.07 from orders not yet in it): 2 sent (145.01)',
    );

    // The ledger books the first buy (10 × 72.0072 + 1.00): listed, it stops counting; the second does not.
    await publish({
      ...deposit,
      version: 3,
      accounts: [{ ...deposit.accounts[0]!, cash: '178.928' }],
      appliedOrderIds: [firstId],
      updatedAt: new Date().toISOString(),
    });
    await snapshotHeld(3);
    const applied = await db.query<{ client_order_id: string; applied: boolean }>(
      `SELECT client_order_id, applied FROM "${schema}".execution_order WHERE portfolio_id = $1 ORDER BY created_at`,
      [portfolio.portfolioId],
    );
    expect(applied.rows.map((row) => row.applied)).toEqual([true, false]);
  });

  it('killed (SIGKILL) at random points while orders are at the broker and restarted: every order executed exactly once', async () => {
    const portfolio = await aPortfolioOnTheLedger('100000.00', '1000');
    const approvals = Array.from({ length: 6 }, () =>
      anApproval(portfolio, [
        { symbol: 'VTI', side: 'sell', quantity: '2' },
        { symbol: 'BND', side: 'buy', quantity: '3' },
      ]),
    );
    for (const approval of approvals) await send(ORDERS_APPROVED_TOPIC, portfolio.portfolioId, approval);
    const ids = approvals.flatMap((approval) => approval.payload.orders.map((order) => order.clientOrderId));
    const total = ids.length;
    // First kill: while an order is in the paper broker's book but its row still says `pending`
    // (the answer is on its way back). Second kill: once a random number of orders reached the broker.
    const inWindow = await waitFor(
      'an order accepted by the broker and not yet recorded as submitted',
      async () => {
        const rows = await db.query<{ client_order_id: string }>(
          `SELECT p.client_order_id FROM "${schema}".paper_order p
             JOIN "${schema}".execution_order e USING (client_order_id)
            WHERE e.status = 'pending' AND p.client_order_id = ANY($1)`,
          [ids],
        );
        return rows.rows[0]?.client_order_id;
      },
      { intervalMs: 10 },
    );
    await service.kill();
    await service.start(120_000);
    const point = 6 + Math.floor(Math.random() * 5);
    await waitFor(
      `${point} paper orders`,
      async () => ((await paperLog(ids)).orders.length >= point ? true : undefined),
      { intervalMs: 20 },
    );
    await service.kill();
    await service.start(120_000);
    for (const approval of approvals) await legsSettled(approval);

    const log = await paperLog(ids);
    expect(log.orders.map((order) => order.client_order_id).sort()).toEqual([...ids].sort());
    expect(log.submissions.filter((submission) => submission.outcome !== 'accepted')).toEqual([]);
    expect(log.submissions).toHaveLength(total);
    // The order caught in the window was found by its client order id after the restart, not re-sent.
    const caught = await db.query<{ status: string; submit_attempts: number }>(
      `SELECT status, submit_attempts FROM "${schema}".execution_order WHERE client_order_id = $1`,
      [inWindow],
    );
    expect(caught.rows).toEqual([{ status: 'filled', submit_attempts: 1 }]);
    for (const approval of approvals) {
      const events = outcomes(approval.payload.proposalId);
      expect(events.map((event) => [event.type, event.payload.leg])).toEqual([
        [ORDERS_EXECUTED_TOPIC, 1],
        [ORDERS_EXECUTED_TOPIC, 2],
      ]);
    }
  });
  it('after a restart the kill switch is still engaged; paper broker rejections, partial fills and lost answers: each leg reported as the broker book says, sent once', async () => {
    // The runtime kill switch outlives the process: engaged before the restart, still engaged after.
    await fetch(`${service.baseUrl}/kill-switch`, { method: 'POST' });
    await service.stop();
    service = startService({
      PAPER_REJECT_RATE: '0.3',
      PAPER_PARTIAL_FILL_RATE: '0.5',
      PAPER_TIMEOUT_RATE: '0.5',
      PAPER_SEED: String(Math.floor(Math.random() * 1_000_000)),
    });
    await service.start(120_000);
    const afterRestart = (await (await fetch(`${service.baseUrl}/kill-switch`)).json()) as {
      engaged: boolean;
    };
    expect(afterRestart.engaged).toBe(true);
    expect((await fetch(`${service.baseUrl}/kill-switch`, { method: 'DELETE' })).status).toBe(200);
    const portfolio = await aPortfolioOnTheLedger('100000.00', '1000');
    const approvals = Array.from({ length: 4 }, () =>
      anApproval(portfolio, [
        { symbol: 'VTI', side: 'sell', quantity: '10' },
        { symbol: 'BND', side: 'buy', quantity: '20' },
      ]),
    );
    for (const approval of approvals) await send(ORDERS_APPROVED_TOPIC, portfolio.portfolioId, approval);
    const events = (await Promise.all(approvals.map((approval) => legsSettled(approval)))).flat();
    const ids = approvals.flatMap((approval) => approval.payload.orders.map((order) => order.clientOrderId));
    const book = await db.query<{ client_order_id: string; status: string; filled_quantity: string }>(
      `SELECT client_order_id, status, filled_quantity::text FROM "${schema}".paper_order WHERE client_order_id = ANY($1)`,
      [ids],
    );
    const byId = new Map(book.rows.map((row) => [row.client_order_id, row]));
    expect(events.map((event) => event.payload.clientOrderId).sort()).toEqual([...ids].sort());
    expect([...byId.keys()].sort()).toEqual([...ids].sort());
    for (const event of events) {
      const row = byId.get(event.payload.clientOrderId);
      if (event.type === ORDERS_REJECTED_TOPIC) {
        const rejected = event.payload as OrdersRejectedPayload;
        expect([rejected.stage, rejected.code, Number(row?.filled_quantity)]).toEqual([
          'broker',
          'broker-rejected',
          0,
        ]);
      } else {
        const executed = event.payload as OrdersExecutedPayload;
        expect(Number(executed.filledQuantity)).toBe(Number(row?.filled_quantity));
        expect(executed.status).toBe(row?.status === 'filled' ? 'filled' : 'partially-filled');
      }
    }
    const log = await paperLog(ids);
    expect(log.submissions.filter((submission) => submission.outcome === 'duplicate')).toEqual([]);
    expect(log.submissions.filter((submission) => submission.outcome === 'accepted')).toHaveLength(
      ids.length,
    );
  });
});
