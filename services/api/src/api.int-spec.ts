/**
 * The api as its own process on real Kafka and PostgreSQL: authentication and household checks over
 * HTTP, the ledger publishing portfolio.state, approvals of orders.proposed (by policy, by people,
 * four eyes, moved prices) to orders.approved, and fills from orders.executed booked once.
 *
 * Isolation: a topic prefix, consumer-group prefix and PostgreSQL schema of this run only, deleted
 * at the end. Messages the other services would send (orders.proposed, price.tick, orders.executed)
 * are sent here by hand, with the envelope and schema of libs/contracts.
 */
import { createHmac, createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  createEnvelope,
  deadLetterTopicFor,
  getTopicContract,
  type MessageEnvelope,
  ORDERS_APPROVED_TOPIC,
  ORDERS_EXECUTED_TOPIC,
  ORDERS_PROPOSED_TOPIC,
  ORDERS_REJECTED_TOPIC,
  type OrdersApprovedPayload,
  type OrdersExecutedPayload,
  type OrdersProposedPayload,
  type OrdersRejectedPayload,
  parseMessage,
  PORTFOLIO_STATE_TOPIC,
  type PortfolioStatePayload,
  PRICE_TICK_TOPIC,
  REBALANCE_REQUESTED_TOPIC,
  type RebalanceRequestedPayload,
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

const runId = uniqueRunId('api');
const topicPrefix = `${runId}.`;
const groupPrefix = `${runId}-`;
const topic = (name: string) => `${topicPrefix}${name}`;
const BOOTSTRAP_KEY = `bootstrap-${randomUUID()}-${randomUUID()}`;
const JWT_SECRET = `jwt-secret-${randomUUID()}-${randomUUID()}`;
const JWT = { issuer: 'https://id.ballast.test', audience: 'ballast-api' };
const T0 = '2026-03-02T15:00:00.000Z';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: the integration global setup did not run`);
  return value;
}

let api: ServiceProcess;
let kafka: KafkaTestClient;
const keys: Record<string, string> = {};

/** An HS256 token signed here with node:crypto, independently of the library the api verifies with. */
function jwt(claims: Record<string, unknown>, secret = JWT_SECRET): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
}

async function call(
  method: string,
  path: string,
  credential: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> & unknown[] }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (credential !== undefined) headers['authorization'] = `Bearer ${credential}`;
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> & unknown[],
  };
}

async function send<T>(name: string, key: string, payload: T, envelope: Partial<MessageEnvelope<T>> = {}) {
  const message = {
    ...createEnvelope({
      type: name,
      schemaVersion: getTopicContract(name).schemaVersion,
      producedBy: 'test',
      payload,
    }),
    ...envelope,
  };
  await kafka.send(topic(name), [{ key, value: JSON.stringify(message) }]);
  return message;
}

function payloads<T>(name: string, predicate: (payload: T) => boolean = () => true): T[] {
  return kafka
    .messages(topic(name))
    .map((message: ReceivedMessage) => {
      const parsed = parseMessage(name, message.json);
      if (!parsed.ok)
        throw new Error(`${name} message does not match its schema: ${JSON.stringify(parsed.issues)}`);
      return parsed.envelope.payload as T;
    })
    .filter(predicate);
}

function aPortfolio(name: string) {
  return {
    name,
    baseCurrency: 'USD',
    accounts: [
      {
        accountId: 'taxable',
        name: 'Taxable',
        type: 'taxable',
        cash: '1000.00',
        positions: [
          {
            symbol: 'SPY',
            quantity: '20',
            lots: [
              { lotId: 'spy-old', quantity: '12', costBasis: '3000.00', acquiredOn: '2019-01-02' },
              { lotId: 'spy-new', quantity: '8', costBasis: '4000.00', acquiredOn: '2025-06-02' },
            ],
          },
          { symbol: 'TLT', quantity: '10', lots: [] },
        ],
      },
    ],
    targets: [
      { symbol: 'SPY', weight: 0.6 },
      { symbol: 'TLT', weight: 0.4 },
    ],
    policy: { absoluteBandBps: 500 },
  };
}

function anOrdersProposed(
  portfolioId: string,
  stateVersion: number,
  approval: { required: boolean; approversRequired: 0 | 1 | 2; expiresAt?: string },
): OrdersProposedPayload {
  return {
    proposalId: randomUUID(),
    portfolioId,
    stateVersion,
    asOf: T0,
    baseCurrency: 'USD',
    orders: [
      {
        leg: 1,
        accountId: 'taxable',
        symbol: 'SPY',
        side: 'sell',
        quantity: '4',
        referencePrice: '500.00',
        estimatedValue: '2000.00',
        lots: [
          {
            lotId: 'spy-new',
            acquiredOn: '2025-06-02',
            quantity: '4',
            costBasis: '2000.00',
            gain: '0.00',
            term: 'short',
          },
        ],
      },
      {
        leg: 2,
        accountId: 'taxable',
        symbol: 'TLT',
        side: 'buy',
        quantity: '10',
        referencePrice: '90.00',
        estimatedValue: '900.00',
        lots: [],
      },
    ],
    taxImpact: { realizedShortTerm: '0.00', realizedLongTerm: '0.00', estimatedTax: '0.00' },
    washSales: [],
    washSaleCoverage: { complete: true, reason: null },
    approval: {
      required: approval.required,
      approversRequired: approval.approversRequired,
      reason: approval.required ? 'above the approval threshold' : 'below the approval threshold',
      expiresAt: approval.expiresAt ?? new Date(Date.now() + 3_600_000).toISOString(),
    },
    totalValue: '2900.00',
    pricesUsed: [
      { symbol: 'SPY', price: '500.00', currency: 'USD', asOf: T0, source: 'replay' },
      { symbol: 'TLT', price: '90.00', currency: 'USD', asOf: T0, source: 'replay' },
    ],
    explanation: ['test proposal'],
  };
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
  await waitFor(`the api to hold ${symbol} ${price} at ${asOf}`, async () => {
    const { body } = await call('GET', `/prices?symbols=${symbol}`, keys['ann']);
    const held = (body as unknown as { price: string; asOf: string }[])[0];
    return held?.asOf === asOf && held.price === price ? true : undefined;
  });
}

beforeAll(async () => {
  await buildService('api');
  api = new ServiceProcess('api', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    HTTP_PORT: String(randomPort()),
    SERVICE_INSTANCE_ID: runId,
    KAFKA_BROKERS: requiredEnv('KAFKA_BROKERS'),
    KAFKA_GROUP_PREFIX: groupPrefix,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    KAFKA_MAX_ATTEMPTS: '2',
    DATABASE_URL: requiredEnv('DATABASE_URL'),
    DATABASE_SCHEMA: `api_${runId}`,
    API_BOOTSTRAP_ADMIN_KEY: BOOTSTRAP_KEY,
    JWT_SECRET,
    JWT_ISSUER: JWT.issuer,
    JWT_AUDIENCE: JWT.audience,
    APPROVAL_PRICE_TOLERANCE_BPS: '200',
    API_EXPIRY_SWEEP_INTERVAL_MS: '500',
  });
  await api.start(120_000);
  kafka = new KafkaTestClient(requiredEnv('KAFKA_BROKERS').split(','));
  await kafka.watch([
    topic(PORTFOLIO_STATE_TOPIC),
    topic(ORDERS_APPROVED_TOPIC),
    topic(ORDERS_REJECTED_TOPIC),
    topic(REBALANCE_REQUESTED_TOPIC),
    topic(deadLetterTopicFor(`${groupPrefix}api`)),
  ]);
  // The people of the tests, each with a key minted by the bootstrap admin.
  for (const [userId, role] of [
    ['alice', 'advisor'],
    ['paula', 'admin'],
    ['ann', 'approver'],
    ['bob', 'approver'],
    ['vic', 'viewer'],
    ['mallory', 'advisor'],
    ['eve', 'approver'],
  ] as const) {
    const minted = await call('POST', '/admin/api-keys', BOOTSTRAP_KEY, { userId, role });
    expect(minted.status).toBe(201);
    keys[userId] = String(minted.body['key']);
  }
}, 240_000);

afterAll(async () => {
  const steps: (() => Promise<unknown>)[] = [
    async () => api?.stop(),
    async () => kafka?.close(),
    async () => kafka?.deleteTopicsWithPrefix(topicPrefix),
    async () => {
      const client = new Client({ connectionString: requiredEnv('DATABASE_URL') });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "api_${runId}" CASCADE`);
      } finally {
        await client.end();
      }
    },
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
    process.stderr.write(`\n--- api log tail ---\n${api.tail(40)}\n`);
  }
});

describe('api', () => {
  let portfolioId: string;
  let householdId: string;
  let policyProposalId: string;

  it('creates a household portfolio and publishes it on portfolio.state; the OpenAPI document is served', async () => {
    const created = await call('POST', '/portfolios', keys['alice'], aPortfolio('Smith household'));
    expect(created.status).toBe(201);
    portfolioId = String(created.body['portfolioId']);
    householdId = String(created.body['householdId']);
    expect(created.body['version']).toBe(1);
    await waitFor('portfolio.state v1', () =>
      payloads<PortfolioStatePayload>(PORTFOLIO_STATE_TOPIC, (state) => state.portfolioId === portfolioId)
        .length > 0
        ? true
        : undefined,
    );
    for (const member of ['paula', 'ann', 'bob', 'vic']) {
      expect(
        (await call('POST', `/households/${householdId}/members`, keys['alice'], { userId: member })).status,
      ).toBe(201);
    }
    const openApi = await call('GET', '/openapi.json', undefined);
    expect(openApi.status).toBe(200);
    expect(Object.keys(openApi.body['paths'] as object)).toEqual(
      expect.arrayContaining(['/portfolios', '/proposals/{proposalId}/approve', '/admin/api-keys']),
    );
  });

  it('refuses a missing or invalid credential (401), a role too low (403) and another household (404), changing nothing', async () => {
    const path = `/portfolios/${portfolioId}`;
    const cashFlow = { accountId: 'taxable', amount: '100' };
    expect((await call('GET', path, undefined)).status).toBe(401);
    expect((await call('GET', path, `bk_0123456789abcdef_${'x'.repeat(43)}`)).status).toBe(401);
    expect((await call('GET', path, 'not-a-key')).status).toBe(401);
    const claims = {
      sub: 'alice',
      role: 'advisor',
      iss: JWT.issuer,
      aud: JWT.audience,
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    expect((await call('GET', path, jwt(claims, `wrong-${JWT_SECRET}`))).status).toBe(401);
    expect((await call('GET', path, jwt({ ...claims, aud: 'someone-else' }))).status).toBe(401);
    expect(
      (await call('GET', path, jwt({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }))).status,
    ).toBe(401);
    expect((await call('POST', `${path}/cash-flows`, undefined, cashFlow)).status).toBe(401);
    // A member with a read-only role.
    expect((await call('POST', `${path}/cash-flows`, keys['vic'], cashFlow)).status).toBe(403);
    expect(
      (await call('POST', '/admin/api-keys', keys['alice'], { userId: 'x', role: 'admin' })).status,
    ).toBe(403);
    // An advisor of another household: the portfolio does not exist for them.
    const foreign = await call('GET', path, keys['mallory']);
    expect(foreign.status).toBe(404);
    expect((await call('POST', `${path}/cash-flows`, keys['mallory'], cashFlow)).status).toBe(404);
    expect(
      (await call('PUT', `${path}/targets`, keys['mallory'], { targets: [{ symbol: 'SPY', weight: 1 }] }))
        .status,
    ).toBe(404);
    expect((await call('GET', `/households/${householdId}`, keys['mallory'])).status).toBe(404);
    expect(
      (await call('POST', `/households/${householdId}/members`, keys['mallory'], { userId: 'mallory' }))
        .status,
    ).toBe(404);
    expect(
      (await call('POST', '/portfolios', keys['mallory'], { ...aPortfolio('claim'), householdId })).status,
    ).toBe(404);
    expect(await call('GET', '/portfolios', keys['mallory'])).toEqual({ status: 200, body: [] });

    // A valid JWT of a member reads it; identity comes from the token.
    const viaJwt = await call('GET', path, jwt(claims));
    expect(viaJwt.status).toBe(200);
    expect(viaJwt.body['version']).toBe(1);

    // Nothing changed: the next real change is version 2, and nothing was published in between.
    const changed = await call('POST', `${path}/cash-flows`, keys['alice'], cashFlow);
    expect(changed.status).toBe(201);
    expect(changed.body['version']).toBe(2);
    await waitFor('portfolio.state v2', () =>
      payloads<PortfolioStatePayload>(
        PORTFOLIO_STATE_TOPIC,
        (state) => state.portfolioId === portfolioId && state.version === 2,
      ).length > 0
        ? true
        : undefined,
    );
    const published = payloads<PortfolioStatePayload>(
      PORTFOLIO_STATE_TOPIC,
      (state) => state.portfolioId === portfolioId,
    );
    expect(published.map((state) => state.version)).toEqual([1, 2]);
    expect(published[1]?.accounts[0]?.cash).toBe('1100');
    expect(
      (await call('GET', `${path}/history`, keys['vic'])).body.map(
        (entry) => (entry as { cause: string }).cause,
      ),
    ).toEqual(['created', 'cash']);
  });

  it('rejects a planning policy the portfolio-file parser rejects, naming the field', async () => {
    const response = await call('PUT', `/portfolios/${portfolioId}/policy`, keys['alice'], {
      policy: { absoluteBandBps: 500 },
      planningPolicy: { cooldownDays: -3 },
    });
    expect(response.status).toBe(400);
    expect((response.body['issues'] as { path: string }[]).map((issue) => issue.path)).toEqual([
      'planningPolicy.cooldownDays',
    ]);
  });

  it('approves orders.proposed below the threshold by policy at once: orders.approved with derived client order ids', async () => {
    const proposed = anOrdersProposed(portfolioId, 2, { required: false, approversRequired: 0 });
    await send(ORDERS_PROPOSED_TOPIC, portfolioId, proposed);
    const approved = await waitFor(
      'orders.approved by policy',
      () =>
        payloads<OrdersApprovedPayload>(
          ORDERS_APPROVED_TOPIC,
          (payload) => payload.proposalId === proposed.proposalId,
        )[0],
    );
    expect(approved.approvals).toEqual([
      { kind: 'policy', rule: 'below the approval threshold', at: expect.any(String) as unknown },
    ]);
    expect(approved.orders.map((order) => order.clientOrderId)).toEqual([
      `${proposed.proposalId}-1`,
      `${proposed.proposalId}-2`,
    ]);
    policyProposalId = proposed.proposalId;
    const view = await call('GET', `/proposals/${proposed.proposalId}`, keys['vic']);
    expect(view.body['status']).toBe('approved');
    expect((await call('GET', `/proposals/${proposed.proposalId}`, keys['mallory'])).status).toBe(404);
  });

  describe('above the four-eyes threshold', () => {
    let proposed: OrdersProposedPayload;

    it('waits for people: moved prices refused, the proposer refused, then two distinct approvers approve', async () => {
      const requested = await call('POST', `/portfolios/${portfolioId}/rebalance-requests`, keys['paula'], {
        reason: 'quarterly review',
      });
      expect(requested.status).toBe(202);
      const correlationId = String(requested.body['correlationId']);
      const request = await waitFor(
        'rebalance.requested',
        () =>
          payloads<RebalanceRequestedPayload>(
            REBALANCE_REQUESTED_TOPIC,
            (payload) => payload.requestId === correlationId,
          )[0],
      );
      expect(request.requestedBy).toEqual({ kind: 'person', userId: 'paula' });

      proposed = anOrdersProposed(portfolioId, 2, { required: true, approversRequired: 2 });
      await send(ORDERS_PROPOSED_TOPIC, portfolioId, proposed, { correlationId });
      const pending = await waitFor('the proposal to be held', async () => {
        const view = await call('GET', `/proposals/${proposed.proposalId}`, keys['ann']);
        return view.status === 200 ? view.body : undefined;
      });
      expect(pending['status']).toBe('pending');
      expect(pending['proposedBy']).toBe('paula');
      const allocations = pending['allocations'] as {
        before: { weights: Record<string, number> };
        expectedAfter: { weights: Record<string, number> };
      };
      // 20 x 500 = 10000 SPY, 10 x 90 = 900 TLT, 1100 cash: 12000 in all.
      expect(allocations.before.weights).toEqual({ SPY: 10_000 / 12_000, TLT: 900 / 12_000 });
      expect(allocations.expectedAfter.weights).toEqual({ SPY: 8_000 / 12_000, TLT: 1_800 / 12_000 });

      const url = `/proposals/${proposed.proposalId}/approve`;
      // SPY up 5% since the proposal: refused, naming it.
      await tick('SPY', '525.00', '2026-03-02T15:30:00.000Z');
      const moved = await call('POST', url, keys['ann']);
      expect(moved.status).toBe(409);
      expect(moved.body['moved']).toEqual([
        { symbol: 'SPY', priceUsed: '500.00', latestPrice: '525.00', movedBps: 500 },
      ]);
      // Back within 2%.
      await tick('SPY', '505.00', '2026-03-02T15:45:00.000Z');

      expect((await call('POST', url, keys['alice'])).status).toBe(403); // an advisor does not approve
      expect((await call('POST', url, keys['eve'])).status).toBe(404); // an approver of no household of theirs
      const byProposer = await call('POST', url, keys['paula']);
      expect(byProposer.status).toBe(403);
      expect(byProposer.body['code']).toBe('proposer-four-eyes');

      const first = await call('POST', url, keys['ann']);
      expect(first.status).toBe(200);
      expect(first.body['status']).toBe('pending');
      expect((await call('POST', url, keys['ann'])).status).toBe(409); // the same person twice
      const second = await call('POST', url, keys['bob']);
      expect(second.status).toBe(200);
      expect(second.body['status']).toBe('approved');

      const approved = await waitFor(
        'orders.approved by two people',
        () =>
          payloads<OrdersApprovedPayload>(
            ORDERS_APPROVED_TOPIC,
            (payload) => payload.proposalId === proposed.proposalId,
          )[0],
      );
      expect(
        approved.approvals.map((approval) => (approval.kind === 'person' ? approval.userId : approval.rule)),
      ).toEqual(['ann', 'bob']);
      // The price at approval where a newer tick is known.
      expect(approved.orders.map((order) => [order.clientOrderId, order.referencePrice])).toEqual([
        [`${proposed.proposalId}-1`, '505.00'],
        [`${proposed.proposalId}-2`, '90.00'],
      ]);
      const decisions = await call('GET', `/decisions?proposalId=${proposed.proposalId}`, keys['vic']);
      expect(decisions.body.map((entry) => (entry as { kind: string; actor: string }).kind)).toEqual([
        'received',
        'approval',
        'approved',
      ]);
    });

    it('books each fill of orders.executed once, however often it is delivered, and publishes the new state', async () => {
      const executed = (leg: 1 | 2, fills: OrdersExecutedPayload['fills']): OrdersExecutedPayload => {
        const order = proposed.orders[leg - 1];
        if (order === undefined) throw new Error(`no leg ${leg}`);
        return {
          proposalId: proposed.proposalId,
          portfolioId,
          leg,
          clientOrderId: `${proposed.proposalId}-${leg}`,
          accountId: order.accountId,
          symbol: order.symbol,
          side: order.side,
          baseCurrency: 'USD',
          requestedQuantity: order.quantity,
          filledQuantity: order.quantity,
          status: 'filled',
          fills,
          broker: 'paper',
          brokerOrderId: `paper-${leg}`,
          executedAt: '2026-03-02T16:00:00.000Z',
        };
      };
      const sell = executed(1, [
        { fillId: 'f1', quantity: '3', price: '510', fee: '1.00', at: '2026-03-02T16:00:00.000Z' },
        { fillId: 'f2', quantity: '1', price: '510', fee: '0', at: '2026-03-02T16:00:01.000Z' },
      ]);
      const buy = executed(2, [
        { fillId: 'f3', quantity: '10', price: '91', fee: '1.00', at: '2026-03-02T16:00:02.000Z' },
      ]);
      const sellMessage = await send(ORDERS_EXECUTED_TOPIC, portfolioId, sell);
      // The same message redelivered, byte for byte.
      await kafka.send(topic(ORDERS_EXECUTED_TOPIC), [
        { key: portfolioId, value: JSON.stringify(sellMessage) },
      ]);
      await send(ORDERS_EXECUTED_TOPIC, portfolioId, sell); // the same fills under a new message id
      await send(ORDERS_EXECUTED_TOPIC, portfolioId, buy);
      await send(ORDERS_EXECUTED_TOPIC, portfolioId, buy);

      const state = await waitFor('both legs booked', async () => {
        const view = await call('GET', `/proposals/${proposed.proposalId}`, keys['ann']);
        const orders = view.body['orders'] as { state: { status: string } }[];
        return orders.every((order) => order.state.status === 'filled') ? view.body : undefined;
      });
      // A sentinel behind the redeliveries on the same partition (key = portfolio): once its fill is
      // booked, every message before it has been consumed.
      const policyProposal = policyProposalId;
      await send(ORDERS_EXECUTED_TOPIC, portfolioId, {
        ...buy,
        proposalId: policyProposal,
        clientOrderId: `${policyProposal}-2`,
        filledQuantity: '1',
        status: 'partially-filled',
        fills: [{ fillId: 'sentinel', quantity: '1', price: '90', fee: '0', at: '2026-03-02T16:05:00.000Z' }],
      });
      await waitFor('portfolio.state v5 (the sentinel)', () =>
        payloads<PortfolioStatePayload>(
          PORTFOLIO_STATE_TOPIC,
          (s) => s.portfolioId === portfolioId && s.version === 5,
        ).length > 0
          ? true
          : undefined,
      );
      const versions = payloads<PortfolioStatePayload>(
        PORTFOLIO_STATE_TOPIC,
        (s) => s.portfolioId === portfolioId,
      );
      // 2, then one version per executed order: the redeliveries added none.
      expect(versions.map((s) => s.version)).toEqual([1, 2, 3, 4, 5]);
      // Each version lists exactly the orders whose fills it includes, in the order they were booked.
      const sellId = `${proposed.proposalId}-1`;
      const buyId = `${proposed.proposalId}-2`;
      expect(versions.map((s) => s.appliedOrderIds)).toEqual([
        [],
        [],
        [sellId],
        [sellId, buyId],
        [sellId, buyId, `${policyProposal}-2`],
      ]);
      expect(versions[4]?.accounts[0]?.positions[1]?.quantity).toBe('21');
      const afterFills = versions[3];
      const account = afterFills?.accounts[0];
      // 1100 + 4 x 510 - 1 (sell) - (10 x 91 + 1) (buy) = 2228
      expect(account?.cash).toBe('2228');
      expect(account?.positions).toEqual([
        {
          symbol: 'SPY',
          quantity: '16',
          lots: [
            { lotId: 'spy-old', quantity: '12', costBasis: '3000.00', acquiredOn: '2019-01-02' },
            { lotId: 'spy-new', quantity: '4', costBasis: '2000', acquiredOn: '2025-06-02' },
          ],
        },
        {
          symbol: 'TLT',
          quantity: '20',
          lots: [
            {
              lotId: `${proposed.proposalId}-2-f3`,
              quantity: '10',
              costBasis: '911',
              acquiredOn: '2026-03-02',
            },
          ],
        },
      ]);
      expect(afterFills?.lastRebalance).toBe('2026-03-02');
      expect(
        afterFills?.transactions?.map(
          (entry) => `${entry.side} ${entry.quantity} ${entry.symbol} @ ${entry.price}`,
        ),
      ).toEqual(['sell 3 SPY @ 510', 'sell 1 SPY @ 510', 'buy 10 TLT @ 91']);
      const allocations = state['allocations'] as { actualAfter: { version: number } };
      expect(allocations.actualAfter.version).toBe(4);
      const orders = await call('GET', `/orders?proposalId=${proposed.proposalId}`, keys['vic']);
      expect(
        orders.body.map((order) => (order as { state: { filledQuantity: string } }).state.filledQuantity),
      ).toEqual(['4', '10']);
    });
  });

  it('dead-letters a poison orders.proposed with the reason, and keeps consuming', async () => {
    await kafka.send(topic(ORDERS_PROPOSED_TOPIC), [{ key: portfolioId, value: '{"not": "an envelope"' }]);
    const wrongPortfolio = anOrdersProposed(randomUUID(), 1, { required: false, approversRequired: 0 });
    await send(ORDERS_PROPOSED_TOPIC, wrongPortfolio.portfolioId, wrongPortfolio);
    const next = anOrdersProposed(portfolioId, 5, { required: false, approversRequired: 0 });
    await send(ORDERS_PROPOSED_TOPIC, portfolioId, next);
    await waitFor(
      'the proposal behind the poison to be approved',
      () =>
        payloads<OrdersApprovedPayload>(
          ORDERS_APPROVED_TOPIC,
          (payload) => payload.proposalId === next.proposalId,
        )[0],
    );
    const dead = await waitFor('two dead letters', () => {
      const letters = kafka.messages(topic(deadLetterTopicFor(`${groupPrefix}api`)));
      return letters.length >= 2 ? letters : undefined;
    });
    expect(dead).toHaveLength(2); // nothing else of this run was refused
    const reasons = dead.map(
      (letter) => (letter.json as { reason: { kind: string; message: string } }).reason,
    );
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'schema',
          message: expect.stringContaining('not valid JSON') as unknown,
        }),
        expect.objectContaining({
          kind: 'validation',
          message: expect.stringContaining('unknown portfolio') as unknown,
        }),
      ]),
    );
  });

  it('expires an unapproved proposal in the decision record, and refuses an approval after expiry', async () => {
    const expiring = anOrdersProposed(portfolioId, 5, {
      required: true,
      approversRequired: 1,
      expiresAt: new Date(Date.now() + 1_500).toISOString(),
    });
    await send(ORDERS_PROPOSED_TOPIC, portfolioId, expiring);
    // The sweeper, not a read, records the expiry.
    await waitFor('the sweeper to expire the proposal', async () => {
      const decisions = await call('GET', `/decisions?proposalId=${expiring.proposalId}`, keys['ann']);
      const kinds =
        decisions.status === 200 ? decisions.body.map((entry) => (entry as { kind: string }).kind) : [];
      return kinds.includes('expired') ? kinds : undefined;
    });
    const refused = await call('POST', `/proposals/${expiring.proposalId}/approve`, keys['ann']);
    expect(refused.status).toBe(409);
    expect((await call('GET', `/proposals/${expiring.proposalId}`, keys['ann'])).body['status']).toBe(
      'expired',
    );
    const decisions = await call('GET', `/decisions?proposalId=${expiring.proposalId}`, keys['ann']);
    expect(decisions.body.map((entry) => (entry as { kind: string }).kind)).toEqual(['received', 'expired']);
    expect(
      payloads<OrdersApprovedPayload>(ORDERS_APPROVED_TOPIC, (p) => p.proposalId === expiring.proposalId),
    ).toEqual([]);
  });

  it('refuses the approval of a proposal whose ledger changed since its stateVersion: superseded, orders.rejected per leg, nothing approved', async () => {
    const current = await call('GET', `/portfolios/${portfolioId}`, keys['ann']);
    const version = Number(current.body['version']);
    const stale = anOrdersProposed(portfolioId, version, { required: true, approversRequired: 1 });
    await send(ORDERS_PROPOSED_TOPIC, portfolioId, stale);
    await waitFor('the proposal to be held', async () =>
      (await call('GET', `/proposals/${stale.proposalId}`, keys['ann'])).status === 200 ? true : undefined,
    );
    // A deposit is booked while the proposal waits: its orders were sized for the cash before it.
    const deposit = await call('POST', `/portfolios/${portfolioId}/cash-flows`, keys['alice'], {
      accountId: 'taxable',
      amount: '250.00',
    });
    expect(deposit.status).toBe(201);
    const refused = await call('POST', `/proposals/${stale.proposalId}/approve`, keys['ann']);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      error: 'LedgerChanged',
      code: 'ledger-changed',
      proposalVersion: version,
      currentVersion: version + 1,
      changed: ['accounts'],
    });
    const view = await call('GET', `/proposals/${stale.proposalId}`, keys['ann']);
    expect(view.body['status']).toBe('superseded');
    const legs = (view.body['orders'] as { state: { status: string; rejection: { code: string } } }[]).map(
      (order) => [order.state.status, order.state.rejection.code],
    );
    expect(legs).toEqual([
      ['rejected', 'ledger-changed'],
      ['rejected', 'ledger-changed'],
    ]);
    const decisions = await call('GET', `/decisions?proposalId=${stale.proposalId}`, keys['ann']);
    expect(
      decisions.body.map((entry) => [(entry as { kind: string }).kind, (entry as { actor: string }).actor]),
    ).toEqual([
      ['received', 'system'],
      ['superseded', 'ann'],
    ]);
    const rejected = await waitFor('orders.rejected for both legs', () => {
      const found = payloads<OrdersRejectedPayload>(
        ORDERS_REJECTED_TOPIC,
        (p) => p.proposalId === stale.proposalId,
      );
      return found.length >= 2 ? found : undefined;
    });
    // Both versions travel with every leg: the monitor waits for ledgerVersion before re-arming.
    expect(rejected.map((p) => [p.leg, p.stage, p.code, p.stateVersion, p.ledgerVersion])).toEqual([
      [1, 'approval', 'ledger-changed', version, version + 1],
      [2, 'approval', 'ledger-changed', version, version + 1],
    ]);
    expect(rejected[0]?.reason).toBe(
      `the proposal was computed from ledger version ${version}; the portfolio is at version ${version + 1} (changed: accounts): superseded, a new proposal is needed`,
    );
    // A second attempt finds it decided; nothing was ever approved.
    expect((await call('POST', `/proposals/${stale.proposalId}/approve`, keys['bob'])).body['code']).toBe(
      'not-pending',
    );

    // Below the threshold the policy would approve at once: a proposal already stale when it
    // arrives is superseded at receipt instead.
    const staleOnArrival = anOrdersProposed(portfolioId, version, { required: false, approversRequired: 0 });
    await send(ORDERS_PROPOSED_TOPIC, portfolioId, staleOnArrival);
    await waitFor('the stale proposal to be superseded at receipt', async () => {
      const held = await call('GET', `/proposals/${staleOnArrival.proposalId}`, keys['ann']);
      return held.body['status'] === 'superseded' ? true : undefined;
    });
    const fresh = anOrdersProposed(portfolioId, version + 1, { required: false, approversRequired: 0 });
    await send(ORDERS_PROPOSED_TOPIC, portfolioId, fresh);
    await waitFor(
      'the current proposal behind it to be approved by policy',
      () =>
        payloads<OrdersApprovedPayload>(ORDERS_APPROVED_TOPIC, (p) => p.proposalId === fresh.proposalId)[0],
    );
    expect(
      payloads<OrdersApprovedPayload>(
        ORDERS_APPROVED_TOPIC,
        (p) => p.proposalId === stale.proposalId || p.proposalId === staleOnArrival.proposalId,
      ),
    ).toEqual([]);
  });
});

/** RS256 tokens: a second api of its own (topics, groups, schema), verifying with a public key only. */
describe('api with RS256 bearer tokens', () => {
  const rsRun = `${runId}rs`;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let rsApi: ServiceProcess;

  function rs256(claims: Record<string, unknown>, key = privateKey): string {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const signed = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}`;
    return `${signed}.${createSign('RSA-SHA256').update(signed).sign(key).toString('base64url')}`;
  }

  beforeAll(async () => {
    rsApi = new ServiceProcess('api', {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HTTP_PORT: String(randomPort()),
      SERVICE_INSTANCE_ID: rsRun,
      KAFKA_BROKERS: requiredEnv('KAFKA_BROKERS'),
      KAFKA_GROUP_PREFIX: `${rsRun}-`,
      KAFKA_TOPIC_PREFIX: `${rsRun}.`,
      DATABASE_URL: requiredEnv('DATABASE_URL'),
      DATABASE_SCHEMA: `api_${rsRun}`,
      JWT_ALGORITHM: 'RS256',
      JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      JWT_ISSUER: JWT.issuer,
      JWT_AUDIENCE: JWT.audience,
    });
    await rsApi.start(120_000);
  }, 180_000);

  afterAll(async () => {
    await rsApi?.stop();
    await kafka?.deleteTopicsWithPrefix(`${rsRun}.`);
    const client = new Client({ connectionString: requiredEnv('DATABASE_URL') });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "api_${rsRun}" CASCADE`);
    } finally {
      await client.end();
    }
  }, 60_000);

  it('accepts a token signed by the issuer key and refuses other keys, HS256 and role-less tokens', async () => {
    const claims = {
      sub: 'carol',
      role: 'advisor',
      iss: JWT.issuer,
      aud: JWT.audience,
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    const get = (token: string) =>
      fetch(`${rsApi.baseUrl}/households`, { headers: { authorization: `Bearer ${token}` } }).then(
        (response) => response.status,
      );
    expect(await get(rs256(claims))).toBe(200);
    expect(await get(rs256(claims, other.privateKey))).toBe(401);
    // The public key is not an HMAC secret: a token "signed" with it under HS256 is refused.
    expect(await get(jwt(claims, publicKey.export({ type: 'spki', format: 'pem' }).toString()))).toBe(401);
    expect(await get(rs256({ ...claims, role: 'root' }))).toBe(401);
    // No bootstrap key configured: an API key that looks right authenticates nobody.
    expect(await get(`bk_0123456789abcdef_${'x'.repeat(43)}`)).toBe(401);
  });
});
