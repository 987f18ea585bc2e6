/**
 * A proposal superseded end to end, every service its own process on real Kafka, PostgreSQL and
 * Redis (issue 8, "approvals": an approval re-checks what the proposal was computed from):
 *
 *   market-data (replay across a band) -> monitor -> drift.detected (v2) -> optimizer -> tax
 *   -> orders.proposed (v2) waits for a person; a deposit is booked through the api (v3);
 *   the person's approval is refused (409 ledger-changed, both versions): the proposal is superseded,
 *   orders.rejected per leg (stage approval) -> the monitor re-arms and fires again on v3 -> optimizer
 *   -> tax -> a NEW orders.proposed on v3 -> the person approves -> execution (paper broker) once.
 *
 * What is checked against what:
 *  - the new proposal's orders are those `planRebalance` (@ballast/domain-planner) computes here from
 *    the v3 portfolio.state (with the deposit) and the prices the monitor used, and they differ from
 *    the superseded ones (planned for the cash before the deposit);
 *  - one rebalance.proposed and one orders.proposed per state version, two proposals in the api;
 *  - nothing of the superseded proposal reaches execution; each order of the new one reaches the
 *    paper broker once;
 *  - the tax service records every leg of the superseded proposal as refused (so its buys stop
 *    counting in the household's wash-sale check), and the notification feed says superseded.
 *
 * Isolation as in pipeline.int-spec.ts: a topic prefix, a consumer-group prefix, PostgreSQL schemas and
 * a Redis prefix of this run only, deleted at the end.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  clientOrderIdFor,
  DRIFT_DETECTED_TOPIC,
  type DriftDetectedPayload,
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
  REBALANCE_PROPOSED_TOPIC,
  type RebalanceProposedPayload,
} from '@ballast/contracts';
import { createHighsSolver, type LinearSolver, planRebalance } from '@ballast/domain-planner';
import { parsePortfolioFile, type PriceQuote } from '@ballast/domain-portfolio';
import { parseTaxPolicy } from '@ballast/domain-tax';
import { type LedgerDocument, portfolioDocumentFromState } from '@ballast/platform-ledger-snapshot';
import { KafkaTestClient, waitFor } from '@ballast/testing';
import Decimal from 'decimal.js';
import highsLoader from 'highs';
import { apiCall, EndToEndRun, mintApiKeys, query, requiredEnv } from './support/end-to-end-run';

const SERVICE_NAMES = ['api', 'market-data', 'monitor', 'optimizer', 'tax', 'execution', 'notification'];
const run = new EndToEndRun('sup', SERVICE_NAMES, { logFilePrefix: 'supersede-' });
const topic = (name: string) => run.topic(name);
const schemaOf = (service: string) => run.schemaOf(service);
const svc = (name: string) => run.svc(name);
const BOOTSTRAP_KEY = `bootstrap-${randomUUID()}-${randomUUID()}`;
const NOTIFICATION_TOKEN = `notify-${randomUUID()}`;

/** The last `count` weekdays before today (UTC), oldest first (the optimizer reads recent closes). */
function weekdaysBeforeToday(count: number): string[] {
  const days: string[] = [];
  const day = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`);
  while (days.length < count) {
    day.setUTCDate(day.getUTCDate() - 1);
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) days.unshift(day.toISOString().slice(0, 10));
  }
  return days;
}

/** A 60/40 SPY/TLT household in band on two days; SPY down 25% on the third, out of its 5-point band. */
const [DAY1, DAY2, DAY3] = weekdaysBeforeToday(3) as [string, string, string];
const DAYS = [
  { date: DAY1, SPY: '500.00', TLT: '100.00' },
  { date: DAY2, SPY: '490.00', TLT: '100.50' },
  { date: DAY3, SPY: '375.00', TLT: '101.00' },
] as const;
const INITIAL = { cash: '1000.00', SPY: '60', TLT: '200' } as const;
/** Booked while the first proposal waits: enough to change what the rebalance buys and sells. */
const DEPOSIT = '5000.00';

let kafka: KafkaTestClient;
let solver: LinearSolver;
let replayDir: string;
const keys: Record<string, string> = {};

const call = (method: string, route: string, credential: string | undefined, body?: unknown) =>
  apiCall(svc('api').baseUrl, method, route, credential, body);

function envelopes<T>(name: string, predicate: (payload: T) => boolean = () => true): MessageEnvelope<T>[] {
  return kafka
    .messages(topic(name))
    .map((message) => {
      const parsed = parseMessage(name, message.json);
      if (!parsed.ok)
        throw new Error(`${name} message does not match its schema: ${JSON.stringify(parsed.issues)}`);
      return parsed.envelope as MessageEnvelope<T>;
    })
    .filter((envelope) => predicate(envelope.payload));
}

/** Payloads of distinct messages (the outbox may deliver one twice: same id, one effect). */
function payloads<T>(name: string, predicate: (payload: T) => boolean = () => true): T[] {
  const byId = new Map(envelopes<T>(name, predicate).map((envelope) => [envelope.id, envelope.payload]));
  return [...byId.values()];
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

interface FeedItem {
  kind: string;
  portfolioId: string | null;
  title: string;
  text: string;
  facts: Record<string, unknown>;
}

async function feed(householdId: string): Promise<FeedItem[]> {
  const response = await fetch(
    `${svc('notification').baseUrl}/notifications?householdId=${householdId}&limit=200`,
    { headers: { authorization: `Bearer ${NOTIFICATION_TOKEN}` } },
  );
  if (response.status !== 200) throw new Error(`GET /notifications answered ${response.status}`);
  return ((await response.json()) as { items: FeedItem[] }).items;
}

beforeAll(async () => {
  solver = createHighsSolver(await highsLoader());
  replayDir = await run.tempDir('ballast-supersede-');
  await writeFile(
    path.join(replayDir, 'prices.csv'),
    ['date,SPY,TLT', ...DAYS.map((day) => `${day.date},${day.SPY},${day.TLT}`)].join('\n'),
  );
  await run.build();

  const marketData = run.add('market-data', {
    MARKET_DATA_PROVIDER: 'replay',
    REPLAY_DIR: replayDir,
    REPLAY_INTERVAL_MS: '0',
  });
  run.add('api', { API_BOOTSTRAP_ADMIN_KEY: BOOTSTRAP_KEY });
  run.add('monitor');
  run.add('optimizer', { MARKET_DATA_URL: marketData.baseUrl });
  // Above 500 a person approves; two people only above a value no order here reaches.
  run.add('tax', {
    APPROVAL_THRESHOLD_VALUE: '500',
    APPROVAL_FOUR_EYES_VALUE: '10000000',
    APPROVAL_EXPIRES_AFTER_MINUTES: '120',
  });
  run.add('execution', {
    EXECUTION_BROKER: 'paper',
    EXECUTION_POLL_INTERVAL_MS: '50',
    EXECUTION_MAX_PRICE_AGE_MS: '3600000',
  });
  run.add('notification', { NOTIFICATION_API_TOKEN: NOTIFICATION_TOKEN });
  await run.start(180_000);

  kafka = new KafkaTestClient(requiredEnv('KAFKA_BROKERS').split(','));
  await kafka.watch([
    topic(PORTFOLIO_STATE_TOPIC),
    topic(DRIFT_DETECTED_TOPIC),
    topic(REBALANCE_PROPOSED_TOPIC),
    topic(ORDERS_PROPOSED_TOPIC),
    topic(ORDERS_APPROVED_TOPIC),
    topic(ORDERS_EXECUTED_TOPIC),
    topic(ORDERS_REJECTED_TOPIC),
  ]);

  Object.assign(
    keys,
    await mintApiKeys(svc('api').baseUrl, BOOTSTRAP_KEY, [
      ['alice', 'advisor'],
      ['ann', 'approver'],
    ]),
  );
}, 600_000);

afterAll(() => run.teardown({ kafka }), 120_000);

afterEach(() => run.logTailsOnFailure());

// What each step produced, for the steps after it.
let portfolioId: string;
let householdId: string;
let superseded: OrdersProposedPayload;
let current: OrdersProposedPayload;
let approved: OrdersApprovedPayload;

/** The drift, the optimizer's proposal and the tax service's orders for one state version. */
async function proposalChainOn(version: number) {
  const drift = await waitFor(
    `drift.detected on v${version}`,
    () =>
      envelopes<DriftDetectedPayload>(
        DRIFT_DETECTED_TOPIC,
        (p) => p.portfolioId === portfolioId && p.stateVersion === version,
      )[0],
    { timeoutMs: 90_000 },
  );
  const proposal = await waitFor(
    `rebalance.proposed on v${version}`,
    () =>
      payloads<RebalanceProposedPayload>(
        REBALANCE_PROPOSED_TOPIC,
        (p) => p.portfolioId === portfolioId && p.stateVersion === version,
      )[0],
    { timeoutMs: 90_000 },
  );
  const orders = await waitFor(
    `orders.proposed on v${version}`,
    () =>
      payloads<OrdersProposedPayload>(ORDERS_PROPOSED_TOPIC, (p) => p.proposalId === proposal.proposalId)[0],
    { timeoutMs: 60_000 },
  );
  return { drift, proposal, orders };
}

/** The orders `planRebalance` gives for a state and the prices of a drift, in the optimizer's mode. */
function expectedOrders(
  state: PortfolioStatePayload,
  drift: MessageEnvelope<DriftDetectedPayload>,
  mode: RebalanceProposedPayload['chosen'],
) {
  const used = Object.fromEntries(drift.payload.pricesUsed.map((price) => [price.symbol, price.price]));
  const document = portfolioDocumentFromState(state, drift.payload.asOf);
  return plannedOrders({ ...document, policy: { ...document.policy, mode } }, used, drift.payload.asOf);
}

async function stateOfVersion(version: number): Promise<PortfolioStatePayload> {
  return waitFor(
    `portfolio.state v${version}`,
    () =>
      payloads<PortfolioStatePayload>(
        PORTFOLIO_STATE_TOPIC,
        (s) => s.portfolioId === portfolioId && s.version === version,
      )[0],
    { timeoutMs: 60_000 },
  );
}

describe('a proposal superseded by a deposit, and the new proposal on the new ledger', () => {
  it('a band crossed: orders.proposed on v2 waits for a person', async () => {
    const created = await call('POST', '/portfolios', keys['alice'], {
      name: 'Supersede household',
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
    expect(
      (await call('POST', `/households/${householdId}/members`, keys['alice'], { userId: 'ann' })).status,
    ).toBe(201);
    const policy = await call('PUT', `/portfolios/${portfolioId}/policy`, keys['alice'], {
      policy: { absoluteBandBps: 500 },
      planningPolicy: { bands: { absolute: 0.05 }, wholeShares: true, lotMethod: 'hifo' },
    });
    expect(policy.status).toBe(200);
    expect(policy.body['version']).toBe(2);
    await waitFor('the monitor to hold v2', async () => {
      const view = await fetch(`${svc('monitor').baseUrl}/portfolios/${portfolioId}`);
      return view.status === 200 && ((await view.json()) as { version: number }).version === 2
        ? true
        : undefined;
    });

    const started = await fetch(`${svc('market-data').baseUrl}/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ file: 'prices.csv', intervalMs: 0 }),
    });
    expect(started.status).toBe(202);

    const { drift, proposal, orders } = await proposalChainOn(2);
    expect(proposal.chosen).not.toBe('defer');
    expect(orderRows(orders.orders)).toEqual(expectedOrders(await stateOfVersion(2), drift, proposal.chosen));
    expect(orders.approval).toMatchObject({ required: true, approversRequired: 1 });
    superseded = orders;
    const held = await waitFor(
      'the api to hold the proposal',
      async () => {
        const response = await call('GET', `/proposals/${superseded.proposalId}`, keys['ann']);
        return response.status === 200 ? response.body : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(held['status']).toBe('pending');
  });

  it('a deposit booked while it waits: the approval is refused with both versions and the proposal superseded', async () => {
    const deposit = await call('POST', `/portfolios/${portfolioId}/cash-flows`, keys['alice'], {
      accountId: 'taxable',
      amount: DEPOSIT,
    });
    expect(deposit.status).toBe(201);
    expect(deposit.body['version']).toBe(3);
    // The monitor holds v3 before the refusal re-arms it, as when a person approves some time after
    // the deposit: orders.rejected and portfolio.state are separate topics, consumed independently.
    await waitFor('the monitor to hold v3', async () => {
      const held = await fetch(`${svc('monitor').baseUrl}/portfolios/${portfolioId}`);
      return held.status === 200 && ((await held.json()) as { version: number }).version === 3
        ? true
        : undefined;
    });

    const refused = await call('POST', `/proposals/${superseded.proposalId}/approve`, keys['ann']);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      error: 'LedgerChanged',
      code: 'ledger-changed',
      proposalVersion: 2,
      currentVersion: 3,
      changed: ['accounts'],
    });
    const view = await call('GET', `/proposals/${superseded.proposalId}`, keys['ann']);
    expect(view.body['status']).toBe('superseded');
    const decisions = await call('GET', `/decisions?proposalId=${superseded.proposalId}`, keys['ann']);
    expect(
      decisions.body.map((entry) => [(entry as { kind: string }).kind, (entry as { actor: string }).actor]),
    ).toEqual([
      ['received', 'system'],
      ['superseded', 'ann'],
    ]);

    const rejected = await waitFor('orders.rejected for every leg', () => {
      const found = payloads<OrdersRejectedPayload>(
        ORDERS_REJECTED_TOPIC,
        (p) => p.proposalId === superseded.proposalId,
      );
      return found.length >= superseded.orders.length ? found : undefined;
    });
    expect(rejected.map((p) => [p.leg, p.stage, p.code]).sort()).toEqual(
      superseded.orders.map((order) => [order.leg, 'approval', 'ledger-changed']).sort(),
    );
    for (const rejection of rejected)
      expect(rejection.reason).toBe(
        'the proposal was computed from ledger version 2; the portfolio is at version 3 (changed: accounts): superseded, a new proposal is needed',
      );
  });

  it('the monitor fires again on v3: a new proposal whose orders are planRebalance on the ledger with the deposit', async () => {
    const { drift, proposal, orders } = await proposalChainOn(3);
    expect(drift.payload.triggers.map((trigger) => trigger.symbol)).toContain('SPY');
    // Caused by the rejection that re-armed the monitor, not by the deposit's snapshot.
    const rejectionIds = new Set(
      envelopes<OrdersRejectedPayload>(
        ORDERS_REJECTED_TOPIC,
        (p) => p.proposalId === superseded.proposalId,
      ).map((envelope) => envelope.id),
    );
    expect(rejectionIds.has(drift.causationId ?? '')).toBe(true);
    const stateV3 = await stateOfVersion(3);
    expect(new Decimal(stateV3.accounts[0]?.cash ?? 'NaN').eq(new Decimal(INITIAL.cash).plus(DEPOSIT))).toBe(
      true,
    );
    const expected = expectedOrders(stateV3, drift, proposal.chosen);
    expect(expected.length).toBeGreaterThan(0);
    expect(orderRows(proposal.trades)).toEqual(expected);
    expect(orderRows(orders.orders)).toEqual(expected);
    // The superseded orders were sized for the cash before the deposit: the new ones are not those.
    expect(expected).not.toEqual(orderRows(superseded.orders));
    expect(orders.proposalId).not.toBe(superseded.proposalId);
    expect(orders.approval).toMatchObject({ required: true, approversRequired: 1 });
    current = orders;
  });

  it('approving the new proposal executes each order once; nothing of the superseded one reaches the broker', async () => {
    await waitFor(
      'the api to hold the new proposal',
      async () =>
        (await call('GET', `/proposals/${current.proposalId}`, keys['ann'])).status === 200
          ? true
          : undefined,
      { timeoutMs: 60_000 },
    );
    const approval = await call('POST', `/proposals/${current.proposalId}/approve`, keys['ann']);
    expect(approval.status).toBe(200);
    expect(approval.body['status']).toBe('approved');
    approved = await waitFor(
      'orders.approved',
      () =>
        payloads<OrdersApprovedPayload>(ORDERS_APPROVED_TOPIC, (p) => p.proposalId === current.proposalId)[0],
    );
    expect(orderRows(approved.orders)).toEqual(orderRows(current.orders));

    const executed = await waitFor(
      'orders.executed for every leg',
      () => {
        const byOrder = new Map(
          payloads<OrdersExecutedPayload>(
            ORDERS_EXECUTED_TOPIC,
            (p) => p.proposalId === current.proposalId,
          ).map((p) => [p.clientOrderId, p]),
        );
        return byOrder.size >= approved.orders.length ? [...byOrder.values()] : undefined;
      },
      {
        timeoutMs: 90_000,
        lastSeen: () =>
          `rejected: ${JSON.stringify(payloads<OrdersRejectedPayload>(ORDERS_REJECTED_TOPIC, (p) => p.proposalId === current.proposalId))}`,
      },
    );
    expect(executed.map((e) => e.status)).toEqual(approved.orders.map(() => 'filled'));
    expect(
      payloads<OrdersRejectedPayload>(ORDERS_REJECTED_TOPIC, (p) => p.proposalId === current.proposalId),
    ).toEqual([]);

    // The paper broker: one accepted submission per order of the new proposal, none of the old one.
    const schema = schemaOf('execution');
    const newIds = approved.orders.map((order) => order.clientOrderId).sort();
    const oldIds = superseded.orders.map((order) => clientOrderIdFor(superseded.proposalId, order.leg));
    const accepted = await query<{ client_order_id: string }>(
      `SELECT client_order_id FROM "${schema}".paper_submission WHERE client_order_id = ANY($1) AND outcome = 'accepted'`,
      [[...newIds, ...oldIds]],
    );
    expect(accepted.map((row) => row.client_order_id).sort()).toEqual(newIds);
    const book = await query<{ client_order_id: string }>(
      `SELECT client_order_id FROM "${schema}".paper_order WHERE client_order_id = ANY($1)`,
      [[...newIds, ...oldIds]],
    );
    expect(book.map((row) => row.client_order_id).sort()).toEqual(newIds);
    expect(
      payloads<OrdersApprovedPayload>(ORDERS_APPROVED_TOPIC, (p) => p.proposalId === superseded.proposalId),
    ).toEqual([]);

    // The ledger applies each fill once: one version per executed order after the deposit's v3.
    const finalVersion = 3 + executed.length;
    const finalState = await stateOfVersion(finalVersion);
    expect(finalState.appliedOrderIds?.slice().sort()).toEqual(newIds);
    const after = await call('GET', `/proposals/${current.proposalId}`, keys['ann']);
    expect((after.body['orders'] as { state: { status: string } }[]).map((o) => o.state.status)).toEqual(
      approved.orders.map(() => 'filled'),
    );
  });

  it('one proposal per state version: no duplicate from the re-armed monitor, the optimizer or tax', async () => {
    const perVersion = <T extends { stateVersion: number }>(found: T[]) =>
      found.map((payload) => payload.stateVersion).sort((a, b) => a - b);
    expect(
      perVersion(
        payloads<RebalanceProposedPayload>(REBALANCE_PROPOSED_TOPIC, (p) => p.portfolioId === portfolioId),
      ),
    ).toEqual([2, 3]);
    expect(
      perVersion(
        payloads<OrdersProposedPayload>(ORDERS_PROPOSED_TOPIC, (p) => p.portfolioId === portfolioId),
      ),
    ).toEqual([2, 3]);
    const listed = await call('GET', `/proposals?portfolioId=${portfolioId}`, keys['ann']);
    expect(
      (listed.body as unknown as { proposalId: string; status: string; stateVersion: number }[])
        .map((entry) => [entry.stateVersion, entry.status, entry.proposalId])
        .sort(),
    ).toEqual([
      [2, 'superseded', superseded.proposalId],
      [3, 'approved', current.proposalId],
    ]);
  });

  it("the tax service holds every leg of the superseded proposal as refused: its buys no longer count as the household's", async () => {
    const rows = await waitFor('tax to record the refused legs', async () => {
      const found = await query<{ leg: number; stage: string; code: string }>(
        `SELECT leg, stage, code FROM "${schemaOf('tax')}".rejected_leg WHERE proposal_id = $1 ORDER BY leg`,
        [superseded.proposalId],
      );
      return found.length === superseded.orders.length ? found : undefined;
    });
    expect(rows).toEqual(
      superseded.orders.map((order) => ({ leg: order.leg, stage: 'approval', code: 'ledger-changed' })),
    );
  });

  it('tells the household: one order-rejected per superseded leg saying so, then the new proposal and its executions', async () => {
    const items = await waitFor('the notifications of the run', async () => {
      const found = (await feed(householdId)).filter((item) => item.portfolioId === portfolioId);
      const count = (kind: string) => found.filter((item) => item.kind === kind).length;
      return count('order-rejected') >= superseded.orders.length &&
        count('order-executed') >= approved.orders.length &&
        count('approval-required') >= 2
        ? found
        : undefined;
    });
    const rejections = items.filter((item) => item.kind === 'order-rejected');
    expect(rejections).toHaveLength(superseded.orders.length);
    for (const item of rejections) {
      expect(item.facts).toMatchObject({
        proposalId: superseded.proposalId,
        stage: 'approval',
        code: 'ledger-changed',
      });
      expect(item.title).toContain('(ledger-changed)');
      expect(item.text).toContain('superseded, a new proposal is needed');
    }
    // Both proposals waited for a person; only the new one's orders executed.
    expect(items.filter((item) => item.kind === 'approval-required')).toHaveLength(2);
    expect(items.filter((item) => item.kind === 'order-executed')).toHaveLength(approved.orders.length);
  });
});
