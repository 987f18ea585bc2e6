/**
 * The whole rebalancing pipeline end to end, every service its own process on real Kafka, PostgreSQL
 * and Redis (issue 8):
 *
 *   api (household, accounts, lots, targets, policy) -> portfolio.state
 *   market-data (replay of three trading days) -> price.tick -> monitor -> drift.detected
 *   -> optimizer -> rebalance.proposed -> tax -> orders.proposed -> api (two people approve)
 *   -> orders.approved -> execution (paper broker) -> orders.executed -> api ledger -> portfolio.state
 *   and notification's in-app feed all along.
 *
 * What is checked against what:
 *  - the orders approved and executed are those `planRebalance` (@ballast/domain-planner) computes
 *    here from the same portfolio.state and the prices the monitor used;
 *  - the ledger after the fills is computed here from the initial holdings and the fills;
 *  - the optimizer's decision record replayed through `ballast plan` (the CLI, as a child process)
 *    gives the same orders;
 *  - poison messages sent ahead of the flow on every topic, with the portfolio's key (so on the
 *    partitions the flow uses), each land in the dead-letter topic of every consumer of that topic,
 *    with the reason, and the flow behind them still runs;
 *  - approval with moved prices is refused (409); a person who asked for a rebalance cannot approve
 *    its proposal above four eyes (403); requests without a credential or for another household are
 *    refused (401/403/404) and change nothing.
 * Fault tests follow on the same stack: every message of the first flow redelivered (no second
 * effect), then a second rebalance (new targets) during which every service is SIGKILLed at a
 * seeded random point (E2E_CHAOS_SEED replays an order of kills) and restarted; every approved order
 * must reach the paper broker exactly once and each fill the ledger once. Last, a price.stale for
 * one held symbol: no drift.detected while it lasts, however far another symbol moves, and the drift
 * goes out once a fresh tick ends it.
 *
 * Isolation as in walking-skeleton.int-spec.ts: a topic prefix, a consumer-group prefix, PostgreSQL
 * schemas and a Redis prefix of this run only, deleted at the end.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  createEnvelope,
  deadLetterTopicFor,
  DRIFT_DETECTED_TOPIC,
  type DriftDetectedPayload,
  getTopicContract,
  type MessageEnvelope,
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
  PRICE_STALE_TOPIC,
  PRICE_TICK_TOPIC,
  PRICES_RAW_TOPIC,
  REBALANCE_PROPOSED_TOPIC,
  REBALANCE_REQUESTED_TOPIC,
  type RebalanceProposedPayload,
  RISK_ALERT_TOPIC,
} from '@ballast/contracts';
import { createHighsSolver, type LinearSolver, planRebalance } from '@ballast/domain-planner';
import { parsePortfolioFile, type PriceQuote } from '@ballast/domain-portfolio';
import { parseTaxPolicy } from '@ballast/domain-tax';
import { type LedgerDocument, portfolioDocumentFromState } from '@ballast/platform-ledger-snapshot';
import { KafkaTestClient, type ReceivedMessage, waitFor } from '@ballast/testing';
import Decimal from 'decimal.js';
import highsLoader from 'highs';
import { Kafka, logLevel } from 'kafkajs';
import { apiCall, EndToEndRun, mintApiKeys, query, requiredEnv } from './support/end-to-end-run';

const run = promisify(execFile);
const workspaceRoot = path.resolve(__dirname, '../..');
const SERVICE_NAMES = ['api', 'market-data', 'monitor', 'optimizer', 'tax', 'execution', 'notification'];
const e2e = new EndToEndRun('e2e', SERVICE_NAMES);
const topic = (name: string) => e2e.topic(name);
const dlq = (group: string) => topic(deadLetterTopicFor(`${e2e.groupPrefix}${group}`));
const schemaOf = (service: string) => e2e.schemaOf(service);
const svc = (name: string) => e2e.svc(name);
const BOOTSTRAP_KEY = `bootstrap-${randomUUID()}-${randomUUID()}`;
const NOTIFICATION_TOKEN = `notify-${randomUUID()}`;

/** The last `count` weekdays before today (UTC), oldest first. */
function weekdaysBeforeToday(count: number): string[] {
  const days: string[] = [];
  const day = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`);
  while (days.length < count) {
    day.setUTCDate(day.getUTCDate() - 1);
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) days.unshift(day.toISOString().slice(0, 10));
  }
  return days;
}

/**
 * Three trading days of a 60/40 SPY/TLT household: in band on the first two, SPY down 25% on the
 * third, which takes SPY about 7 points under its target (band: 5 points). The days are the last
 * weekdays before today: a rebalance requested by a person is priced from market-data's recent daily
 * closes (the optimizer takes none older than ten days).
 */
const [DAY1, DAY2, DAY3] = weekdaysBeforeToday(3) as [string, string, string];
const DAYS = [
  { date: DAY1, SPY: '500.00', TLT: '100.00' },
  { date: DAY2, SPY: '490.00', TLT: '100.50' },
  { date: DAY3, SPY: '375.00', TLT: '101.00' },
] as const;
const BREACH = DAYS[2];
const INITIAL = { cash: '1000.00', SPY: '60', TLT: '200' } as const;
/** Orders worth more than this need two different people (the tax service's four-eyes threshold). */
const FOUR_EYES_VALUE = '1500';
const APPROVAL_THRESHOLD_VALUE = '500';

let kafka: KafkaTestClient;
let solver: LinearSolver;
let replayDir: string;
const keys: Record<string, string> = {};
const poisons = new Map<string, string>();

const call = (method: string, route: string, credential: string | undefined, body?: unknown) =>
  apiCall(svc('api').baseUrl, method, route, credential, body);

function envelopes<T>(name: string, predicate: (payload: T) => boolean = () => true): MessageEnvelope<T>[] {
  return kafka
    .messages(topic(name))
    .filter((message) => !isPoison(message))
    .map((message: ReceivedMessage) => {
      const parsed = parseMessage(name, message.json);
      if (!parsed.ok)
        throw new Error(`${name} message does not match its schema: ${JSON.stringify(parsed.issues)}`);
      return parsed.envelope as MessageEnvelope<T>;
    })
    .filter((envelope) => predicate(envelope.payload));
}
const payloads = <T>(name: string, predicate: (payload: T) => boolean = () => true): T[] =>
  envelopes<T>(name, predicate).map((envelope) => envelope.payload);

function isPoison(message: ReceivedMessage): boolean {
  return message.value !== null && message.value.startsWith('{"poison"');
}

/** Sends a price from outside (prices.raw, consumed by market-data in every mode). */
async function rawPrice(symbol: string, price: string, asOf: string): Promise<void> {
  await kafka.send(topic(PRICES_RAW_TOPIC), [
    {
      key: symbol,
      value: JSON.stringify({ symbol, price: Number(price), currency: 'USD', asOf, source: 'e2e' }),
    },
  ]);
}

async function apiHoldsPrice(symbol: string, price: string, asOf: string): Promise<void> {
  await waitFor(`the api to hold ${symbol} ${price} at ${asOf}`, async () => {
    const { body } = await call('GET', `/prices?symbols=${symbol}`, keys['ann']);
    const held = (body as unknown as { price: string; asOf: string }[])[0];
    return held !== undefined &&
      Date.parse(held.asOf) === Date.parse(asOf) &&
      new Decimal(held.price).eq(price)
      ? true
      : undefined;
  });
}

/** What `planRebalance` orders for a portfolio file and prices: [account, side, symbol, quantity]. */
function plannedOrders(document: LedgerDocument, prices: Record<string, string>, asOf: string) {
  const portfolio = parsePortfolioFile(document);
  const taxPolicy = parseTaxPolicy(portfolio.policy.tax, {
    accountIds: portfolio.accounts.map((account) => account.id),
    symbols: Object.keys(prices),
  });
  const quotes = new Map<string, PriceQuote>(
    Object.entries(prices).map(([symbol, price]) => [symbol, { symbol, price, asOf, source: 'e2e' }]),
  );
  return planRebalance({ portfolio, prices: quotes, asOf: asOf.slice(0, 10), taxPolicy }, solver).orders.map(
    (order) => [order.account, order.side, order.symbol, order.quantity],
  );
}

const orderRows = (orders: { accountId: string; side: string; symbol: string; quantity: string }[]) =>
  orders.map((order) => [order.accountId, order.side, order.symbol, order.quantity]);

async function feed(householdId: string): Promise<{ kind: string; portfolioId: string | null }[]> {
  const response = await fetch(
    `${svc('notification').baseUrl}/notifications?householdId=${householdId}&limit=200`,
    { headers: { authorization: `Bearer ${NOTIFICATION_TOKEN}` } },
  );
  if (response.status !== 200) throw new Error(`GET /notifications answered ${response.status}`);
  return ((await response.json()) as { items: { kind: string; portfolioId: string | null }[] }).items;
}

/** The paper broker's book: every order it ever accepted, and its log of submissions. */
async function paperBook(clientOrderIds: string[]) {
  const schema = schemaOf('execution');
  const orders = await query<{ client_order_id: string; status: string; filled_quantity: string }>(
    `SELECT client_order_id, status, filled_quantity::text FROM "${schema}".paper_order WHERE client_order_id = ANY($1)`,
    [clientOrderIds],
  );
  const accepted = await query<{ client_order_id: string }>(
    `SELECT client_order_id FROM "${schema}".paper_submission WHERE client_order_id = ANY($1) AND outcome = 'accepted'`,
    [clientOrderIds],
  );
  return { orders, accepted: accepted.map((row) => row.client_order_id) };
}

beforeAll(async () => {
  solver = createHighsSolver(await highsLoader());
  replayDir = await e2e.tempDir('ballast-e2e-');
  await writeFile(
    path.join(replayDir, 'prices.csv'),
    ['date,SPY,TLT', ...DAYS.map((day) => `${day.date},${day.SPY},${day.TLT}`)].join('\n'),
  );
  await e2e.build();

  const marketData = e2e.add('market-data', {
    MARKET_DATA_PROVIDER: 'replay',
    REPLAY_DIR: replayDir,
    REPLAY_INTERVAL_MS: '0',
  });
  e2e.add('api', { API_BOOTSTRAP_ADMIN_KEY: BOOTSTRAP_KEY, APPROVAL_PRICE_TOLERANCE_BPS: '200' });
  e2e.add('monitor');
  e2e.add('optimizer', { MARKET_DATA_URL: marketData.baseUrl });
  e2e.add('tax', {
    APPROVAL_THRESHOLD_VALUE,
    APPROVAL_FOUR_EYES_VALUE: FOUR_EYES_VALUE,
    APPROVAL_EXPIRES_AFTER_MINUTES: '120',
  });
  e2e.add('execution', {
    EXECUTION_BROKER: 'paper',
    EXECUTION_POLL_INTERVAL_MS: '50',
    EXECUTION_MAX_PRICE_AGE_MS: '3600000',
    // Short, so that a killed replica's claim on a proposal passes to its restarted self quickly.
    EXECUTION_LEASE_MS: '5000',
  });
  e2e.add('notification', { NOTIFICATION_API_TOKEN: NOTIFICATION_TOKEN });
  await e2e.start(180_000);

  kafka = new KafkaTestClient(requiredEnv('KAFKA_BROKERS').split(','));
  const dlqTopics = await deadLetterTopics();
  await kafka.watch([
    topic(PORTFOLIO_STATE_TOPIC),
    topic(PRICE_TICK_TOPIC),
    topic(DRIFT_DETECTED_TOPIC),
    topic(REBALANCE_PROPOSED_TOPIC),
    topic(ORDERS_PROPOSED_TOPIC),
    topic(ORDERS_APPROVED_TOPIC),
    topic(ORDERS_EXECUTED_TOPIC),
    topic(ORDERS_REJECTED_TOPIC),
    ...dlqTopics,
  ]);

  Object.assign(
    keys,
    await mintApiKeys(svc('api').baseUrl, BOOTSTRAP_KEY, [
      ['alice', 'advisor'],
      ['paula', 'admin'],
      ['ann', 'approver'],
      ['bob', 'approver'],
      ['vic', 'viewer'],
      ['mallory', 'advisor'],
      ['eve', 'approver'],
    ]),
  );
}, 600_000);

/** The dead-letter topics this run's services created at boot. */
async function deadLetterTopics(): Promise<string[]> {
  const admin = new Kafka({
    clientId: `e2e-admin-${process.pid}`,
    brokers: requiredEnv('KAFKA_BROKERS').split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter(
      (name) => name.startsWith(e2e.topicPrefix) && name.endsWith('.dlq'),
    );
  } finally {
    await admin.disconnect();
  }
}

afterAll(() => e2e.teardown({ kafka }), 120_000);

afterEach(() => e2e.logTailsOnFailure());

// The household of the run and what its first flow produced, for the fault tests that follow.
let portfolioId: string;
let householdId: string;
let stateV1: PortfolioStatePayload;
let drift: MessageEnvelope<DriftDetectedPayload>;
let proposal: RebalanceProposedPayload;
let proposed: OrdersProposedPayload;
let approved: OrdersApprovedPayload;
let executed: OrdersExecutedPayload[];
let requestedProposalId: string;

describe('the pipeline: a band crossed -> executed, explained orders and an updated ledger', () => {
  it('creates a household through the api: accounts, lots, targets and a planning policy; portfolio.state reaches the monitor', async () => {
    const created = await call('POST', '/portfolios', keys['alice'], {
      name: 'E2E household',
      baseCurrency: 'USD',
      accounts: [
        {
          accountId: 'taxable',
          name: 'Taxable',
          type: 'taxable',
          cash: INITIAL.cash,
          positions: [
            {
              symbol: 'SPY',
              quantity: INITIAL.SPY,
              lots: [
                { lotId: 'spy-2020', quantity: INITIAL.SPY, costBasis: '18000.00', acquiredOn: '2020-01-02' },
              ],
            },
            {
              symbol: 'TLT',
              quantity: INITIAL.TLT,
              lots: [
                { lotId: 'tlt-2021', quantity: INITIAL.TLT, costBasis: '24000.00', acquiredOn: '2021-01-04' },
              ],
            },
          ],
        },
      ],
      targets: [
        { symbol: 'SPY', weight: 0.6 },
        { symbol: 'TLT', weight: 0.4 },
      ],
      policy: { absoluteBandBps: 500 },
    });
    expect(created.status).toBe(201);
    portfolioId = String(created.body['portfolioId']);
    householdId = String(created.body['householdId']);
    for (const member of ['paula', 'ann', 'bob', 'vic']) {
      expect(
        (await call('POST', `/households/${householdId}/members`, keys['alice'], { userId: member })).status,
      ).toBe(201);
    }
    // The planning policy: bands, the planner's mode and tax settings (the ledger bumps the version).
    const policy = await call('PUT', `/portfolios/${portfolioId}/policy`, keys['alice'], {
      policy: { absoluteBandBps: 500 },
      planningPolicy: { bands: { absolute: 0.05 }, wholeShares: true, lotMethod: 'hifo' },
    });
    expect(policy.status).toBe(200);
    const version = Number(policy.body['version']);
    expect(version).toBe(2);

    stateV1 = await waitFor(
      'portfolio.state with the planning policy',
      () =>
        payloads<PortfolioStatePayload>(
          PORTFOLIO_STATE_TOPIC,
          (s) => s.portfolioId === portfolioId && s.version === 2,
        )[0],
    );
    expect(stateV1.planningPolicy).toMatchObject({ bands: { absolute: 0.05 } });
    await waitFor('the monitor to hold the portfolio', async () => {
      const view = await fetch(`${svc('monitor').baseUrl}/portfolios/${portfolioId}`);
      return view.status === 200 && ((await view.json()) as { version: number }).version === 2
        ? true
        : undefined;
    });
  });

  it('refuses requests without a valid credential (401), with too low a role (403) and for another household (404), changing nothing', async () => {
    const route = `/portfolios/${portfolioId}`;
    const cashFlow = { accountId: 'taxable', amount: '100' };
    expect((await call('GET', route, undefined)).status).toBe(401);
    expect((await call('GET', route, 'not-a-key')).status).toBe(401);
    expect((await call('POST', `${route}/cash-flows`, undefined, cashFlow)).status).toBe(401);
    expect((await call('POST', `${route}/cash-flows`, keys['vic'], cashFlow)).status).toBe(403);
    expect((await call('GET', route, keys['mallory'])).status).toBe(404);
    expect((await call('POST', `${route}/cash-flows`, keys['mallory'], cashFlow)).status).toBe(404);
    expect(
      (await call('PUT', `${route}/targets`, keys['mallory'], { targets: [{ symbol: 'SPY', weight: 1 }] }))
        .status,
    ).toBe(404);
    expect((await call('GET', `/households/${householdId}`, keys['mallory'])).status).toBe(404);
    // Unchanged: still version 2, the same cash, and nothing more published.
    const view = await call('GET', route, keys['vic']);
    expect(view.body['version']).toBe(2);
    expect((view.body['accounts'] as { cash: string }[])[0]?.cash).toBe(INITIAL.cash);
    expect(
      payloads<PortfolioStatePayload>(PORTFOLIO_STATE_TOPIC, (s) => s.portfolioId === portfolioId).map(
        (s) => s.version,
      ),
    ).toEqual([1, 2]);
  });

  it('sends a poison message ahead of the flow on every topic it uses (on its partitions)', async () => {
    const keyed: [string, string][] = [
      [PORTFOLIO_STATE_TOPIC, portfolioId],
      [DRIFT_DETECTED_TOPIC, portfolioId],
      [REBALANCE_PROPOSED_TOPIC, portfolioId],
      [ORDERS_PROPOSED_TOPIC, portfolioId],
      [ORDERS_APPROVED_TOPIC, portfolioId],
      [ORDERS_EXECUTED_TOPIC, portfolioId],
      [ORDERS_REJECTED_TOPIC, portfolioId],
      [REBALANCE_REQUESTED_TOPIC, portfolioId],
      [RISK_ALERT_TOPIC, portfolioId],
      [PRICE_TICK_TOPIC, 'SPY'],
      [PRICE_STALE_TOPIC, 'SPY'],
      [PRICES_RAW_TOPIC, 'SPY'],
    ];
    for (const [name, key] of keyed) {
      // Not JSON: no consumer can read it, each must set it aside and carry on.
      const value = `{"poison": "${name} ${e2e.runId}", oops`;
      poisons.set(name, value);
      await kafka.send(topic(name), [{ key, value }]);
    }
    expect(poisons.size).toBe(keyed.length);
  });

  it('replays prices across the band: drift.detected -> rebalance.proposed -> orders.proposed waiting for two people', async () => {
    const started = await fetch(`${svc('market-data').baseUrl}/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ file: 'prices.csv', intervalMs: 0 }),
    });
    expect(started.status).toBe(202);

    drift = await waitFor(
      'drift.detected',
      () => envelopes<DriftDetectedPayload>(DRIFT_DETECTED_TOPIC, (p) => p.portfolioId === portfolioId)[0],
      { timeoutMs: 90_000 },
    );
    expect(drift.payload.stateVersion).toBe(2);
    const used = Object.fromEntries(drift.payload.pricesUsed.map((price) => [price.symbol, price.price]));
    // The breach is on the third day only: SPY is 7 points under, outside its 5-point band.
    expect(new Decimal(used['SPY'] ?? '0').eq(BREACH.SPY)).toBe(true);
    expect(new Decimal(used['TLT'] ?? '0').eq(BREACH.TLT)).toBe(true);
    expect(drift.payload.triggers.map((trigger) => trigger.symbol)).toContain('SPY');

    proposal = await waitFor(
      'rebalance.proposed',
      () =>
        payloads<RebalanceProposedPayload>(REBALANCE_PROPOSED_TOPIC, (p) => p.portfolioId === portfolioId)[0],
      { timeoutMs: 90_000 },
    );
    expect(proposal.cause.messageId).toBe(drift.id);
    expect(proposal.stateVersion).toBe(2);
    expect(proposal.chosen).not.toBe('defer');
    expect(proposal.explanation.length).toBeGreaterThan(0);

    // The planner, here, on the same state and the prices the monitor used, in the chosen mode.
    const document = portfolioDocumentFromState(stateV1, drift.payload.asOf);
    const expected = plannedOrders(
      { ...document, policy: { ...document.policy, mode: proposal.chosen } },
      used,
      drift.payload.asOf,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(orderRows(proposal.trades)).toEqual(expected);

    proposed = await waitFor(
      'orders.proposed',
      () =>
        payloads<OrdersProposedPayload>(
          ORDERS_PROPOSED_TOPIC,
          (p) => p.proposalId === proposal.proposalId,
        )[0],
      { timeoutMs: 60_000 },
    );
    expect(orderRows(proposed.orders)).toEqual(expected);
    expect(proposed.approval).toMatchObject({ required: true, approversRequired: 2 });
    // The sell of TLT realizes a loss on its 2021 lot, recorded with the lot.
    const tltSell = proposed.orders.find((order) => order.symbol === 'TLT' && order.side === 'sell');
    if (tltSell !== undefined) expect(tltSell.lots.map((lot) => lot.lotId)).toEqual(['tlt-2021']);
  });

  it('refuses, above four eyes, the approval of the person who asked for the rebalance', async () => {
    // While the drift's proposal waits, paula asks for a rebalance herself: the proposal is hers.
    const requested = await call('POST', `/portfolios/${portfolioId}/rebalance-requests`, keys['paula'], {
      reason: 'review after the sell-off',
    });
    expect(requested.status).toBe(202);
    const hers = await waitFor(
      "the api to hold paula's proposal",
      async () => {
        const list = await call('GET', `/proposals?portfolioId=${portfolioId}`, keys['ann']);
        return (list.body as unknown as { proposalId: string; proposedBy: string | null }[]).find(
          (entry) => entry.proposedBy === 'paula',
        );
      },
      { timeoutMs: 90_000 },
    );
    requestedProposalId = hers.proposalId;
    const url = `/proposals/${hers.proposalId}/approve`;
    const byProposer = await call('POST', url, keys['paula']);
    expect(byProposer.status).toBe(403);
    expect(byProposer.body['code']).toBe('proposer-four-eyes');
    const view = await call('GET', `/proposals/${hers.proposalId}`, keys['ann']);
    expect(view.body['approversRequired']).toBe(2);
    expect(view.body['status']).toBe('pending');
    // One rebalance at a time: a person rejects the second proposal.
    const rejected = await call('POST', `/proposals/${hers.proposalId}/reject`, keys['ann'], {
      reason: 'the drift proposal covers it',
    });
    expect(rejected.status).toBe(200);
    expect((await call('GET', `/proposals/${hers.proposalId}`, keys['ann'])).body['status']).toBe('rejected');
  });

  it('refuses an approval when prices moved beyond the tolerance, by an advisor and by another household; two approvers approve', async () => {
    const view = await waitFor(
      'the api to hold the proposal',
      async () => {
        const response = await call('GET', `/proposals/${proposed.proposalId}`, keys['ann']);
        return response.status === 200 ? response.body : undefined;
      },
      { timeoutMs: 90_000 },
    );
    expect(view['status']).toBe('pending');
    expect(view['approversRequired']).toBe(2);
    const url = `/proposals/${proposed.proposalId}/approve`;

    // SPY up 5% since the proposal: refused, naming the move; nothing approved.
    const movedAt = `${BREACH.date}T22:00:00.000Z`;
    await rawPrice('SPY', '393.75', movedAt);
    await apiHoldsPrice('SPY', '393.75', movedAt);
    const moved = await call('POST', url, keys['ann']);
    expect(moved.status).toBe(409);
    expect(moved.body['moved']).toEqual([expect.objectContaining({ symbol: 'SPY', movedBps: 500 })]);
    // Back where it was.
    const backAt = `${BREACH.date}T23:00:00.000Z`;
    await rawPrice('SPY', BREACH.SPY, backAt);
    await apiHoldsPrice('SPY', BREACH.SPY, backAt);

    expect((await call('POST', url, keys['alice'])).status).toBe(403); // an advisor does not approve
    expect((await call('POST', url, keys['eve'])).status).toBe(404); // an approver of another household
    const first = await call('POST', url, keys['ann']);
    expect(first.status).toBe(200);
    expect(first.body['status']).toBe('pending');
    expect((await call('POST', url, keys['ann'])).status).toBe(409); // the same person twice
    const second = await call('POST', url, keys['bob']);
    expect(second.status).toBe(200);
    expect(second.body['status']).toBe('approved');

    approved = await waitFor(
      'orders.approved',
      () =>
        payloads<OrdersApprovedPayload>(
          ORDERS_APPROVED_TOPIC,
          (p) => p.proposalId === proposed.proposalId,
        )[0],
    );
    expect(approved.approvals.map((a) => (a.kind === 'person' ? a.userId : a.rule))).toEqual(['ann', 'bob']);
    expect(orderRows(approved.orders)).toEqual(orderRows(proposed.orders));
  });

  it('executes every approved order once at the paper broker: orders.executed, sells first', async () => {
    executed = await waitFor(
      'orders.executed for every leg',
      () => {
        const found = payloads<OrdersExecutedPayload>(
          ORDERS_EXECUTED_TOPIC,
          (p) => p.proposalId === approved.proposalId,
        );
        return found.length >= approved.orders.length ? found : undefined;
      },
      { timeoutMs: 90_000, lastSeen: () => `rejected: ${JSON.stringify(payloads(ORDERS_REJECTED_TOPIC))}` },
    );
    expect(payloads(ORDERS_REJECTED_TOPIC)).toEqual([]);
    expect(executed.map((e) => e.clientOrderId).sort()).toEqual(
      approved.orders.map((o) => o.clientOrderId).sort(),
    );
    for (const fill of executed) {
      expect(fill.status).toBe('filled');
      expect(fill.broker).toBe('paper');
      expect(new Decimal(fill.filledQuantity).eq(fill.requestedQuantity)).toBe(true);
    }
    const book = await paperBook(approved.orders.map((o) => o.clientOrderId));
    expect(book.accepted.sort()).toEqual(approved.orders.map((o) => o.clientOrderId).sort());
    // Sells reach the broker before buys (the buys' cash comes from the sells).
    const sides = executed
      .slice()
      .sort((a, b) => a.executedAt.localeCompare(b.executedAt))
      .map((e) => e.side);
    expect(sides).toEqual([...sides].sort((a, b) => (a === b ? 0 : a === 'sell' ? -1 : 1)));
  });

  it('applies every fill to the ledger once: lots, quantities and cash as computed from the fills', async () => {
    const finalVersion = 2 + executed.length;
    const state = await waitFor(
      `portfolio.state v${finalVersion}`,
      () =>
        payloads<PortfolioStatePayload>(
          PORTFOLIO_STATE_TOPIC,
          (s) => s.portfolioId === portfolioId && s.version === finalVersion,
        )[0],
      { timeoutMs: 60_000 },
    );
    let cash = new Decimal(INITIAL.cash);
    const quantity: Record<string, Decimal> = {
      SPY: new Decimal(INITIAL.SPY),
      TLT: new Decimal(INITIAL.TLT),
    };
    for (const order of executed) {
      for (const fill of order.fills) {
        const gross = new Decimal(fill.quantity).times(fill.price);
        const sign = order.side === 'buy' ? 1 : -1;
        quantity[order.symbol] = (quantity[order.symbol] ?? new Decimal(0)).plus(
          new Decimal(fill.quantity).times(sign),
        );
        cash = cash.minus(gross.times(sign)).minus(fill.fee);
      }
    }
    const view = await call('GET', `/portfolios/${portfolioId}`, keys['vic']);
    expect(view.status).toBe(200);
    expect(view.body['version']).toBe(finalVersion);
    const account = (view.body['accounts'] as PortfolioStatePayload['accounts'])[0];
    expect(new Decimal(account?.cash ?? 'NaN').eq(cash)).toBe(true);
    for (const position of account?.positions ?? []) {
      expect(new Decimal(position.quantity).eq(quantity[position.symbol] ?? 'NaN')).toBe(true);
      const lotTotal = position.lots.reduce((sum, lot) => sum.plus(lot.quantity), new Decimal(0));
      expect(lotTotal.eq(position.quantity)).toBe(true);
    }
    expect(state.accounts[0]?.cash).toBe(account?.cash);
    // One new version per executed order, none for a redelivery; the history says why.
    const history = await call('GET', `/portfolios/${portfolioId}/history`, keys['vic']);
    expect(history.body.map((entry) => (entry as { version: number }).version)).toEqual(
      Array.from({ length: finalVersion }, (_, index) => index + 1),
    );
    const after = await call('GET', `/proposals/${approved.proposalId}`, keys['vic']);
    expect((after.body['orders'] as { state: { status: string } }[]).map((o) => o.state.status)).toEqual(
      approved.orders.map(() => 'filled'),
    );
  });

  it('tells the household: drift, approval required and each execution in the in-app feed', async () => {
    const kinds = await waitFor('the notifications of the run', async () => {
      const items = (await feed(householdId)).filter((item) => item.portfolioId === portfolioId);
      const found = items.map((item) => item.kind);
      return found.filter((kind) => kind === 'order-executed').length >= executed.length &&
        found.includes('drift') &&
        found.filter((kind) => kind === 'approval-required').length >= 2
        ? found
        : undefined;
    });
    expect(kinds.filter((kind) => kind === 'drift')).toHaveLength(1);
    // The drift's proposal and paula's, both waiting for people.
    expect(kinds.filter((kind) => kind === 'approval-required')).toHaveLength(2);
    expect(kinds.filter((kind) => kind === 'order-executed')).toHaveLength(executed.length);
    expect(kinds).not.toContain('order-rejected');
  });

  it('reproduces the same orders from the decision record through `ballast plan`', async () => {
    const rows = await query<{
      inputs: { asOf: string; portfolioFile: LedgerDocument; prices: { symbol: string; price: string }[] };
    }>(`SELECT inputs FROM "${schemaOf('optimizer')}".proposal WHERE proposal_id = $1`, [
      proposal.proposalId,
    ]);
    const inputs = rows[0]?.inputs;
    if (inputs === undefined) throw new Error('the optimizer recorded no decision');
    const dir = await mkdtemp(path.join(tmpdir(), 'ballast-e2e-plan-'));
    try {
      const symbols = inputs.prices.map((price) => price.symbol);
      const asOf = inputs.asOf.slice(0, 10);
      await writeFile(path.join(dir, 'portfolio.json'), JSON.stringify(inputs.portfolioFile));
      await writeFile(
        path.join(dir, 'prices.csv'),
        [`date,${symbols.join(',')}`, `${asOf},${inputs.prices.map((price) => price.price).join(',')}`].join(
          '\n',
        ),
      );
      const { stdout } = await run(
        process.execPath,
        [
          path.join(workspaceRoot, 'services/cli/bin/ballast.cjs'),
          'plan',
          '--portfolio',
          path.join(dir, 'portfolio.json'),
          '--prices',
          path.join(dir, 'prices.csv'),
          '--as-of',
          asOf,
          '--json',
        ],
        { cwd: workspaceRoot, maxBuffer: 10_000_000 },
      );
      const plan = JSON.parse(stdout) as {
        orders: { account: string; side: string; symbol: string; quantity: string }[];
      };
      expect(plan.orders.map((order) => [order.account, order.side, order.symbol, order.quantity])).toEqual(
        orderRows(approved.orders),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('dead-letters each poison message in the dead-letter topic of every consumer of its topic, with the reason', async () => {
    // Which group consumes what (see each service's README): the poison must be in each of these.
    const consumers: Record<string, string[]> = {
      [PORTFOLIO_STATE_TOPIC]: [
        'monitor',
        'optimizer-state',
        'tax-state',
        'execution',
        'notification',
        'market-data-portfolios',
      ],
      [DRIFT_DETECTED_TOPIC]: ['optimizer', 'notification'],
      [REBALANCE_PROPOSED_TOPIC]: ['tax'],
      [ORDERS_PROPOSED_TOPIC]: ['api', 'notification'],
      [ORDERS_APPROVED_TOPIC]: ['execution'],
      [ORDERS_EXECUTED_TOPIC]: ['api', 'notification'],
      [ORDERS_REJECTED_TOPIC]: ['api', 'monitor', 'notification', 'tax-rejections'],
      [REBALANCE_REQUESTED_TOPIC]: ['optimizer'],
      [RISK_ALERT_TOPIC]: ['notification'],
      [PRICE_TICK_TOPIC]: ['api-prices', 'execution-prices', 'monitor-ticks'],
      [PRICE_STALE_TOPIC]: ['monitor', 'notification'],
      [PRICES_RAW_TOPIC]: ['market-data'],
    };
    const letters = () =>
      kafka.received
        .filter((message) => message.topic.endsWith('.dlq'))
        .map((message) => ({
          dlq: message.topic,
          ...(message.json as {
            sourceTopic: string;
            value: string;
            reason: { kind: string; message: string };
          }),
        }));
    for (const [name, groups] of Object.entries(consumers)) {
      const value = poisons.get(name);
      for (const group of groups) {
        const letter = await waitFor(
          `the poison of ${name} in ${dlq(group)}`,
          () => letters().find((entry) => entry.dlq === dlq(group) && entry.value === value),
          { lastSeen: () => `dead letters: ${JSON.stringify(letters().map((l) => [l.dlq, l.sourceTopic]))}` },
        );
        expect(letter.sourceTopic).toBe(topic(name));
        expect(letter.reason.kind).toBe('schema');
        expect(letter.reason.message).toContain('JSON');
      }
    }
    // Nothing of the real flow was dead-lettered.
    expect(
      letters().filter((entry) => entry.value !== undefined && !entry.value.startsWith('{"poison"')),
    ).toEqual([]);
  });
});

describe('faults on the running pipeline: redelivery, and SIGKILL of every service', () => {
  /** Raw records of the first flow, sent again byte for byte (a redelivery: same message ids). */
  const firstFlow: { name: string; key: string; value: string }[] = [];
  let secondProposalId = '';
  let secondApproved: OrdersApprovedPayload;
  let versionBefore: number;
  /** A seeded shuffle, so that a failing order of kills can be replayed with E2E_CHAOS_SEED. */
  const seed = Number(process.env['E2E_CHAOS_SEED'] ?? Math.floor(Math.random() * 1_000_000));
  let random = seed;
  const next = () => {
    random = (random * 1_103_515_245 + 12_345) % 2_147_483_648;
    return random / 2_147_483_648;
  };
  const killOrder = [...SERVICE_NAMES]
    .map((name) => ({ name, at: next() }))
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.name);
  const killed: string[] = [];

  /** SIGKILL, then a restart on the same schema, groups and port; waits until it is ready again. */
  async function crash(point: string): Promise<void> {
    const name = killOrder[killed.length];
    if (name === undefined) return;
    killed.push(name);
    process.stdout.write(`chaos (seed ${seed}): SIGKILL ${name} ${point}\n`);
    const service = svc(name);
    await service.kill();
    await service.start(180_000);
  }

  it('redelivers every message of the first flow: no second proposal, approval, broker order or fill', async () => {
    for (const name of [
      DRIFT_DETECTED_TOPIC,
      REBALANCE_PROPOSED_TOPIC,
      ORDERS_PROPOSED_TOPIC,
      ORDERS_APPROVED_TOPIC,
      ORDERS_EXECUTED_TOPIC,
    ]) {
      for (const message of kafka.messages(topic(name), (m) => m.key === portfolioId && !isPoison(m))) {
        firstFlow.push({ name, key: portfolioId, value: message.value ?? '' });
      }
    }
    expect(firstFlow.length).toBeGreaterThanOrEqual(4 + executed.length);
    for (const record of firstFlow)
      await kafka.send(topic(record.name), [{ key: record.key, value: record.value }]);
    // The effects are checked at the end of this describe: the second flow, on the same partitions
    // (key: the portfolio), is the barrier behind which every redelivery has been consumed.
    versionBefore = Number((await call('GET', `/portfolios/${portfolioId}`, keys['vic'])).body['version']);
    expect(versionBefore).toBe(2 + executed.length);
  });

  it('runs a second rebalance while every service is SIGKILLed at a random point and restarted', async () => {
    // Today's prices first (unchanged): the ledger booked the first fills today, and a plan is made
    // as of its prices' date, which must not be before the lots it sells were bought.
    const now = new Date(Date.now() - 60_000).toISOString();
    await rawPrice('SPY', BREACH.SPY, now);
    await rawPrice('TLT', BREACH.TLT, now);
    await apiHoldsPrice('TLT', BREACH.TLT, now);
    await waitFor('the monitor to hold the new prices', async () => {
      const view = (await (await fetch(`${svc('monitor').baseUrl}/portfolios/${portfolioId}`)).json()) as {
        prices: { symbol: string; asOf: string }[];
      };
      return view.prices.length === 2 &&
        view.prices.every((price) => Date.parse(price.asOf) === Date.parse(now))
        ? true
        : undefined;
    });
    // New targets: the portfolio is now out of its bands, and the monitor says so.
    const targets = await call('PUT', `/portfolios/${portfolioId}/targets`, keys['alice'], {
      targets: [
        { symbol: 'SPY', weight: 0.5 },
        { symbol: 'TLT', weight: 0.5 },
      ],
    });
    expect(targets.status).toBe(200);
    await crash('after the targets changed (portfolio.state in flight)');

    const known = new Set([proposed.proposalId, requestedProposalId]);
    const pending = await waitFor(
      'a proposal for the new targets',
      async () => {
        const list = await call('GET', `/proposals?portfolioId=${portfolioId}&status=pending`, keys['ann']);
        const found = (list.body as unknown as { proposalId: string }[]).filter(
          (p) => !known.has(p.proposalId),
        );
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 240_000 },
    );
    secondProposalId = pending[0]?.proposalId ?? '';
    await crash('when the proposal reached the api');
    const url = `/proposals/${secondProposalId}/approve`;
    expect((await call('GET', `/proposals/${secondProposalId}`, keys['ann'])).body['approversRequired']).toBe(
      2,
    );
    expect((await call('POST', url, keys['ann'])).status).toBe(200);
    await crash('between the two approvals');
    const second = await call('POST', url, keys['bob']);
    expect(second.status).toBe(200);
    expect(second.body['status']).toBe('approved');
    await crash('right after the approval (orders.approved in flight)');

    secondApproved = await waitFor(
      'orders.approved of the second flow',
      () =>
        payloads<OrdersApprovedPayload>(ORDERS_APPROVED_TOPIC, (p) => p.proposalId === secondProposalId)[0],
      { timeoutMs: 120_000 },
    );
    await waitFor(
      'a first orders.executed of the second flow',
      () =>
        payloads<OrdersExecutedPayload>(ORDERS_EXECUTED_TOPIC, (p) => p.proposalId === secondProposalId)[0],
      { timeoutMs: 240_000 },
    );
    await crash('while the orders execute (orders.executed in flight)');
    while (killed.length < killOrder.length) await crash('after the flow');
    expect([...killed].sort()).toEqual([...SERVICE_NAMES].sort());
  }, 900_000);

  it('executed every approved order exactly once at the paper broker, and the ledger applied each fill once', async () => {
    const clientOrderIds = [...approved.orders, ...secondApproved.orders].map((order) => order.clientOrderId);
    const outcomes = await waitFor(
      'an outcome for every leg of the second flow',
      () => {
        const done = new Set([
          ...payloads<OrdersExecutedPayload>(
            ORDERS_EXECUTED_TOPIC,
            (p) => p.proposalId === secondProposalId,
          ).map((p) => p.clientOrderId),
          ...payloads<{ clientOrderId: string; proposalId: string }>(
            ORDERS_REJECTED_TOPIC,
            (p) => p.proposalId === secondProposalId,
          ).map((p) => p.clientOrderId),
        ]);
        return secondApproved.orders.every((order) => done.has(order.clientOrderId)) ? done : undefined;
      },
      { timeoutMs: 180_000 },
    );
    expect(outcomes.size).toBe(secondApproved.orders.length);
    expect(payloads(ORDERS_REJECTED_TOPIC)).toEqual([]);

    // The broker: one accepted submission and one order per client order id, never a second.
    const book = await paperBook(clientOrderIds);
    expect(book.accepted.sort()).toEqual([...clientOrderIds].sort());
    expect(book.orders.map((order) => order.client_order_id).sort()).toEqual([...clientOrderIds].sort());

    // The ledger: one version per executed order of each flow, plus the targets change; none for a
    // redelivered or republished orders.executed.
    const executedOnce = new Map<string, OrdersExecutedPayload>();
    for (const payload of payloads<OrdersExecutedPayload>(
      ORDERS_EXECUTED_TOPIC,
      (p) => p.portfolioId === portfolioId,
    ))
      executedOnce.set(payload.clientOrderId, payload);
    expect(executedOnce.size).toBe(clientOrderIds.length);
    const finalVersion = versionBefore + 1 + secondApproved.orders.length;
    await waitFor(
      `portfolio.state v${finalVersion}`,
      () =>
        payloads<PortfolioStatePayload>(
          PORTFOLIO_STATE_TOPIC,
          (s) => s.portfolioId === portfolioId && s.version === finalVersion,
        )[0],
      { timeoutMs: 120_000 },
    );
    const view = await call('GET', `/portfolios/${portfolioId}`, keys['vic']);
    expect(view.body['version']).toBe(finalVersion);
    let cash = new Decimal(INITIAL.cash);
    const quantity: Record<string, Decimal> = {
      SPY: new Decimal(INITIAL.SPY),
      TLT: new Decimal(INITIAL.TLT),
    };
    for (const order of executedOnce.values()) {
      for (const fill of order.fills) {
        const sign = order.side === 'buy' ? 1 : -1;
        quantity[order.symbol] = (quantity[order.symbol] ?? new Decimal(0)).plus(
          new Decimal(fill.quantity).times(sign),
        );
        cash = cash.minus(new Decimal(fill.quantity).times(fill.price).times(sign)).minus(fill.fee);
      }
    }
    const account = (view.body['accounts'] as PortfolioStatePayload['accounts'])[0];
    expect(new Decimal(account?.cash ?? 'NaN').eq(cash)).toBe(true);
    for (const position of account?.positions ?? [])
      expect(new Decimal(position.quantity).eq(quantity[position.symbol] ?? 'NaN')).toBe(true);

    // The redeliveries of the first flow had no second effect anywhere in the chain.
    const distinctIds = <T>(name: string, predicate: (payload: T) => boolean) =>
      new Set(envelopes<T>(name, predicate).map((envelope) => envelope.id)).size;
    expect(
      distinctIds<RebalanceProposedPayload>(REBALANCE_PROPOSED_TOPIC, (p) => p.cause.messageId === drift.id),
    ).toBe(1);
    expect(
      distinctIds<OrdersProposedPayload>(ORDERS_PROPOSED_TOPIC, (p) => p.proposalId === proposal.proposalId),
    ).toBe(1);
    expect(
      distinctIds<OrdersApprovedPayload>(ORDERS_APPROVED_TOPIC, (p) => p.proposalId === approved.proposalId),
    ).toBe(1);
    expect(
      distinctIds<OrdersExecutedPayload>(ORDERS_EXECUTED_TOPIC, (p) => p.proposalId === approved.proposalId),
    ).toBe(approved.orders.length);
  }, 600_000);
});

describe('stale prices stop proposals', () => {
  it('gives no drift.detected while a held symbol is stale, however far the others move; a fresh tick lets it through', async () => {
    const monitorView = async () =>
      (await (await fetch(`${svc('monitor').baseUrl}/portfolios/${portfolioId}`)).json()) as {
        version: number;
        staleSymbols: string[];
        blockedReason: string | null;
        prices: { symbol: string; price: string; asOf: string }[];
      };
    const held = await monitorView();
    const tlt = held.prices.find((price) => price.symbol === 'TLT');
    if (tlt === undefined) throw new Error('the monitor holds no TLT price');
    const before = new Set(
      envelopes<DriftDetectedPayload>(DRIFT_DETECTED_TOPIC).map((envelope) => envelope.id),
    );

    // What market-data publishes when TLT has not moved for too long while the market is open.
    await kafka.send(topic(PRICE_STALE_TOPIC), [
      {
        key: 'TLT',
        value: JSON.stringify(
          createEnvelope({
            type: PRICE_STALE_TOPIC,
            schemaVersion: getTopicContract(PRICE_STALE_TOPIC).schemaVersion,
            producedBy: 'market-data',
            payload: {
              symbol: 'TLT',
              lastPriceAt: tlt.asOf,
              lastPrice: tlt.price,
              source: 'e2e',
              maxAgeSeconds: 900,
              detectedAt: new Date().toISOString(),
            },
          }),
        ),
      },
    ]);
    await waitFor('the monitor to hold TLT as stale', async () =>
      (await monitorView()).staleSymbols.includes('TLT') ? true : undefined,
    );

    // SPY falls by a third: far out of its band, but TLT's price cannot be trusted.
    const fallAt = new Date(Date.parse(tlt.asOf) + 10_000).toISOString();
    await rawPrice('SPY', '250.00', fallAt);
    const blocked = await waitFor('the monitor to hold the fall and be blocked', async () => {
      const view = await monitorView();
      const spy = view.prices.find((price) => price.symbol === 'SPY');
      return spy !== undefined && Date.parse(spy.asOf) === Date.parse(fallAt) ? view : undefined;
    });
    expect(blocked.blockedReason).toContain('TLT');

    // A fresh TLT tick ends the staleness: the drift now goes out, with the fresh price.
    const freshAt = new Date(Date.parse(tlt.asOf) + 20_000).toISOString();
    await rawPrice('TLT', tlt.price, freshAt);
    const after = await waitFor(
      'drift.detected once TLT is fresh',
      () => {
        const found = envelopes<DriftDetectedPayload>(
          DRIFT_DETECTED_TOPIC,
          (payload) => payload.portfolioId === portfolioId,
        ).filter((envelope) => !before.has(envelope.id));
        return found.some((envelope) =>
          envelope.payload.pricesUsed.some(
            (price) => price.symbol === 'TLT' && Date.parse(price.asOf) === Date.parse(freshAt),
          ),
        )
          ? found
          : undefined;
      },
      { timeoutMs: 90_000 },
    );
    // The monitor's outbox keeps the portfolio's order: any drift of the stale episode would be here,
    // before the one with the fresh price. There is none.
    const usedStaleTlt = after.filter((envelope) =>
      envelope.payload.pricesUsed.some(
        (price) => price.symbol === 'TLT' && Date.parse(price.asOf) < Date.parse(freshAt),
      ),
    );
    expect(usedStaleTlt).toEqual([]);
    expect((await monitorView()).staleSymbols).toEqual([]);
  });
});
