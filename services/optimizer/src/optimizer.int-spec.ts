/**
 * The optimizer as a process on real Kafka, PostgreSQL and Redis:
 *  - portfolio.state + drift.detected in, rebalance.proposed out, whose trades are those
 *    `planRebalance` computes here from the same portfolio file, prices and tax policy, and whose
 *    decision record (PostgreSQL) replays to the same orders;
 *  - a redelivered drift.detected has no second effect; a poison message goes to optimizer.dlq with
 *    the reason and the next message is still processed; a drift of an older state version, and one
 *    without a price for a held symbol, give no proposal;
 *  - an objective (min-volatility) on history from a local HTTP server playing market-data's
 *    `GET /history`, the estimates cached in Redis and reused by a rebalance.requested of the same day.
 * Each run has its own topic and group prefixes, schema and Redis prefix.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:http';
import {
  createEnvelope,
  deadLetterTopicFor,
  DRIFT_DETECTED_TOPIC,
  type DriftDetectedPayload,
  type MessageEnvelope,
  parseMessage,
  PORTFOLIO_STATE_TOPIC,
  type PortfolioStatePayload,
  portfolioStatePayloadSchema,
  REBALANCE_PROPOSED_TOPIC,
  REBALANCE_REQUESTED_TOPIC,
  type RebalanceProposedPayload,
  type RebalanceRequestedPayload,
  toCloudEventHeaders,
} from '@ballast/contracts';
import { createHighsSolver, type LinearSolver, planRebalance } from '@ballast/domain-planner';
import { parsePortfolioFile, type PriceQuote } from '@ballast/domain-portfolio';
import { parseTaxPolicy } from '@ballast/domain-tax';
import { portfolioDocumentFromState, type LedgerDocument } from '@ballast/platform-ledger-snapshot';
import { connectRedis, createRedisClient } from '@ballast/platform-redis';
import {
  buildService,
  KafkaTestClient,
  randomPort,
  type ReceivedMessage,
  ServiceProcess,
  uniqueRunId,
  waitFor,
} from '@ballast/testing';
import highsLoader from 'highs';
import { Client } from 'pg';
import { proposalIdFor } from './proposals/proposal-id';
import { estimatesKey } from './targets/target-weights.service';

const execFileAsync = promisify(execFile);
const workspaceRoot = path.resolve(__dirname, '../../..');
const runId = uniqueRunId('opt');
const topicPrefix = `${runId}.`;
const groupPrefix = `${runId}-`;
const redisPrefix = `ballast:${runId}:`;
const topic = (name: string) => `${topicPrefix}${name}`;
const required = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: the integration global setup did not run`);
  return value;
};

const FIXED_ID = randomUUID();
const OBJECTIVE_ID = randomUUID();
const AS_OF = '2024-03-15T20:00:00.000Z';

let history: Server;
const historyRequests: string[] = [];
let optimizer: ServiceProcess;
let kafka: KafkaTestClient;
let solver: LinearSolver;

/** 60 daily closes of VTI and BND up to 2024-03-15 (weekdays), VTI the more volatile. */
function historyBars(): { symbol: string; date: string; close: string }[] {
  const bars: { symbol: string; date: string; close: string }[] = [];
  let vti = 200;
  let bnd = 100;
  const day = new Date('2023-12-01T00:00:00Z');
  let n = 0;
  while (day.toISOString().slice(0, 10) <= '2024-03-15') {
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) {
      n += 1;
      vti *= 1 + 0.012 * Math.sin(n * 1.7);
      bnd *= 1 + 0.002 * Math.sin(n * 0.9 + 1);
      const date = day.toISOString().slice(0, 10);
      bars.push(
        { symbol: 'VTI', date, close: vti.toFixed(2) },
        { symbol: 'BND', date, close: bnd.toFixed(2) },
      );
    }
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return bars;
}

function aState(portfolioId: string, version: number, extra: Partial<PortfolioStatePayload> = {}) {
  return portfolioStatePayloadSchema.parse({
    portfolioId,
    householdId: `household-${runId}`,
    name: 'Integration',
    baseCurrency: 'USD',
    version,
    accounts: [
      {
        accountId: 'taxable',
        name: 'Brokerage',
        type: 'taxable',
        cash: '0',
        positions: [
          {
            symbol: 'VTI',
            quantity: '200',
            lots: [{ lotId: 'lot-a', quantity: '200', costBasis: '30000', acquiredOn: '2020-01-02' }],
          },
        ],
      },
      {
        accountId: 'ira',
        name: 'IRA',
        type: 'traditional',
        cash: String(version === 1 ? 0 : 1000),
        positions: [{ symbol: 'BND', quantity: '200', lots: [] }],
      },
    ],
    targets: [
      { symbol: 'VTI', weight: 0.6 },
      { symbol: 'BND', weight: 0.4 },
    ],
    policy: { absoluteBandBps: 500 },
    updatedAt: '2024-03-15T14:00:00.000Z',
    ...extra,
  });
}

/** A drift.detected consistent with the state and prices (weights, drift and cash as the monitor computes them). */
function aDrift(state: PortfolioStatePayload, prices: Record<string, string>, stateVersion = state.version) {
  const quantity = (symbol: string) =>
    state.accounts
      .flatMap((account) => account.positions)
      .filter((position) => position.symbol === symbol)
      .reduce((sum, position) => sum + Number(position.quantity), 0);
  const cash = state.accounts.reduce((sum, account) => sum + Number(account.cash), 0);
  const values = state.targets.map((target) => quantity(target.symbol) * Number(prices[target.symbol] ?? 0));
  const total = values.reduce((sum, value) => sum + value, cash);
  const rows = state.targets.map((target, index) => {
    const currentWeight = (values[index] as number) / total;
    const drift = currentWeight - target.weight;
    return {
      symbol: target.symbol,
      targetWeight: target.weight,
      currentWeight,
      drift,
      relativeDrift: drift / target.weight,
      marketValue: (values[index] as number).toFixed(2),
      quantity: String(quantity(target.symbol)),
    };
  });
  const over = rows.reduce((a, b) => (Math.abs(b.drift) > Math.abs(a.drift) ? b : a));
  const payload: DriftDetectedPayload = {
    portfolioId: state.portfolioId,
    stateVersion,
    asOf: AS_OF,
    baseCurrency: 'USD',
    triggers: [
      {
        kind: 'absolute-band',
        symbol: over.symbol,
        drift: over.drift,
        bandBps: 500,
        direction: over.drift > 0 ? 'over' : 'under',
      },
    ],
    drift: rows,
    cash: { value: cash.toFixed(2), weight: cash / total },
    totalValue: total.toFixed(2),
    portfolioDrift: (rows.reduce((sum, row) => sum + Math.abs(row.drift), 0) + cash / total) / 2,
    pricesUsed: Object.entries(prices).map(([symbol, price]) => ({
      symbol,
      price,
      currency: 'USD',
      asOf: AS_OF,
      source: 'integration',
    })),
  };
  return payload;
}

function envelopeOf<T>(type: string, payload: T, id: string = randomUUID()): MessageEnvelope<T> {
  return createEnvelope({ id, type, schemaVersion: 1, producedBy: 'integration-test', payload });
}

async function publish<T>(name: string, key: string, envelope: MessageEnvelope<T>): Promise<void> {
  await kafka.send(topic(name), [
    { key, value: JSON.stringify(envelope), headers: toCloudEventHeaders(envelope) },
  ]);
}

function proposals(
  predicate: (p: RebalanceProposedPayload) => boolean = () => true,
): RebalanceProposedPayload[] {
  return kafka
    .messages(topic(REBALANCE_PROPOSED_TOPIC))
    .map((message: ReceivedMessage) => {
      const parsed = parseMessage(REBALANCE_PROPOSED_TOPIC, message.json);
      if (!parsed.ok)
        throw new Error(`rebalance.proposed does not match its schema: ${JSON.stringify(parsed.issues)}`);
      return parsed.envelope.payload;
    })
    .filter(predicate);
}

function proposalOf(causeId: string): Promise<RebalanceProposedPayload> {
  return waitFor(
    `rebalance.proposed caused by ${causeId}`,
    () => proposals((p) => p.cause.messageId === causeId)[0],
    { timeoutMs: 60_000, lastSeen: () => `optimizer log:\n${optimizer.tail(20)}` },
  );
}

function connectToRedis() {
  const url = required('REDIS_URL');
  return connectRedis(
    createRedisClient({ REDIS_URL: url, REDIS_COMMAND_TIMEOUT_MS: 2_000, REDIS_CONNECT_TIMEOUT_MS: 2_000 }),
    url,
  );
}

/** Waits until the optimizer holds the snapshot's version (its own table). */
async function snapshotHeld(portfolioId: string, version: number): Promise<void> {
  const client = new Client({ connectionString: required('DATABASE_URL') });
  await client.connect();
  try {
    await waitFor(`optimizer to hold portfolio ${portfolioId} v${version}`, async () => {
      const { rows } = await client.query<{ version: number }>(
        `SELECT version FROM "${optimizer.env['DATABASE_SCHEMA']}".portfolio_snapshot WHERE portfolio_id = $1`,
        [portfolioId],
      );
      return (rows[0]?.version ?? 0) >= version ? true : undefined;
    });
  } finally {
    await client.end();
  }
}

/** What `ballast plan` computes from a portfolio file and prices: the planner, tax-aware with the file's policy. */
function plannedOrders(document: LedgerDocument, prices: Record<string, string>) {
  const portfolio = parsePortfolioFile(document);
  const taxPolicy = parseTaxPolicy(portfolio.policy.tax, {
    accountIds: portfolio.accounts.map((account) => account.id),
    symbols: Object.keys(prices),
  });
  const quotes = new Map<string, PriceQuote>(
    Object.entries(prices).map(([symbol, price]) => [symbol, { symbol, price, asOf: AS_OF, source: 'x' }]),
  );
  return planRebalance({ portfolio, prices: quotes, asOf: AS_OF.slice(0, 10), taxPolicy }, solver).orders.map(
    (order) => [order.account, order.side, order.symbol, order.quantity],
  );
}

beforeAll(async () => {
  solver = createHighsSolver(await highsLoader());
  const bars = historyBars();
  history = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://history');
    historyRequests.push(`${url.pathname}${url.search}`);
    const symbols = (url.searchParams.get('symbols') ?? '').split(',');
    const from = url.searchParams.get('from') ?? '';
    const to = url.searchParams.get('to') ?? '';
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(
        bars.filter((bar) => symbols.includes(bar.symbol) && bar.date >= from && bar.date <= to),
      ),
    );
  });
  await new Promise<void>((resolve) => history.listen(0, '127.0.0.1', resolve));

  await buildService('optimizer');
  optimizer = new ServiceProcess('optimizer', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    HTTP_PORT: String(randomPort()),
    SERVICE_INSTANCE_ID: runId,
    KAFKA_BROKERS: required('KAFKA_BROKERS'),
    KAFKA_GROUP_PREFIX: groupPrefix,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    KAFKA_MAX_ATTEMPTS: '3',
    DATABASE_URL: required('DATABASE_URL'),
    DATABASE_SCHEMA: `optimizer_${runId}`.replace(/-/g, '_'),
    REDIS_URL: required('REDIS_URL'),
    REDIS_KEY_PREFIX: redisPrefix,
    MARKET_DATA_URL: `http://127.0.0.1:${(history.address() as { port: number }).port}`,
  });
  await optimizer.start(120_000);
  kafka = new KafkaTestClient(required('KAFKA_BROKERS').split(','));
  await kafka.watch([topic(REBALANCE_PROPOSED_TOPIC), topic(deadLetterTopicFor(`${groupPrefix}optimizer`))]);
}, 240_000);

afterAll(async () => {
  const steps: (() => Promise<unknown>)[] = [
    async () => optimizer?.stop(),
    async () => kafka?.close(),
    async () => kafka?.deleteTopicsWithPrefix(topicPrefix),
    async () => new Promise((resolve) => history?.close(resolve)),
    async () => {
      const client = new Client({ connectionString: required('DATABASE_URL') });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${optimizer.env['DATABASE_SCHEMA']}" CASCADE`);
      } finally {
        await client.end();
      }
    },
    async () => {
      const redis = await connectToRedis();
      try {
        const keys = await redis.keys(`${redisPrefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        redis.disconnect();
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
    process.stderr.write(`\n--- optimizer log tail ---\n${optimizer.tail(40)}\n`);
  }
});

describe('optimizer: drift.detected -> rebalance.proposed', () => {
  const prices = { VTI: '250', BND: '101' };
  const firstDriftId = randomUUID();

  it('proposes the trades planRebalance computes for the same file and prices, and records a replayable decision', async () => {
    const state = aState(FIXED_ID, 1);
    await publish(PORTFOLIO_STATE_TOPIC, FIXED_ID, envelopeOf(PORTFOLIO_STATE_TOPIC, state));
    // As in the pipeline, where the monitor evaluates a state only after it has it.
    await snapshotHeld(FIXED_ID, 1);
    await publish(
      DRIFT_DETECTED_TOPIC,
      FIXED_ID,
      envelopeOf(DRIFT_DETECTED_TOPIC, aDrift(state, prices), firstDriftId),
    );

    const proposal = await proposalOf(firstDriftId);
    expect(proposal.proposalId).toBe(proposalIdFor(firstDriftId));
    expect(proposal.stateVersion).toBe(1);
    expect(proposal.scenarios.map((s) => s.kind)).toEqual(['full', 'band', 'partial', 'defer']);
    expect(proposal.chosen).not.toBe('defer');
    expect(proposal.driftBefore).toBeGreaterThan(0.1);

    // The same inputs through the planner here: the chosen mode on the state's portfolio file.
    const document = portfolioDocumentFromState(state, AS_OF);
    const expected = plannedOrders(
      { ...document, policy: { ...document.policy, mode: proposal.chosen } },
      prices,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(proposal.trades.map((t) => [t.accountId, t.side, t.symbol, t.quantity])).toEqual(expected);
    expect(proposal.trades.map((t) => t.leg)).toEqual(expected.map((_, index) => index + 1));

    // The decision record holds the exact file and prices: replayed, they give the same orders.
    const client = new Client({ connectionString: required('DATABASE_URL') });
    await client.connect();
    try {
      const { rows } = await client.query<{
        inputs: { portfolioFile: LedgerDocument; prices: { symbol: string; price: string }[] };
      }>(`SELECT inputs FROM "${optimizer.env['DATABASE_SCHEMA']}".proposal WHERE proposal_id = $1`, [
        proposal.proposalId,
      ]);
      const inputs = rows[0]?.inputs;
      if (inputs === undefined) throw new Error('no decision record');
      const recordedPrices = Object.fromEntries(inputs.prices.map((price) => [price.symbol, price.price]));
      expect(plannedOrders(inputs.portfolioFile, recordedPrices)).toEqual(expected);
    } finally {
      await client.end();
    }
  });

  it('serves the decision record, which `ballast plan` replays to the same trades', async () => {
    const proposal = await proposalOf(firstDriftId);
    const response = await fetch(`${optimizer.baseUrl}/proposals/${proposal.proposalId}/decision`);
    expect(response.status).toBe(200);
    const decision = (await response.json()) as { portfolioFile: LedgerDocument; pricesCsv: string };
    const dir = await mkdtemp(path.join(tmpdir(), 'ballast-decision-'));
    try {
      await writeFile(path.join(dir, 'portfolio.json'), JSON.stringify(decision.portfolioFile));
      await writeFile(path.join(dir, 'prices.csv'), decision.pricesCsv);
      const { stdout } = await execFileAsync(
        process.execPath,
        [
          path.join(workspaceRoot, 'services/cli/bin/ballast.cjs'),
          'plan',
          '--portfolio',
          path.join(dir, 'portfolio.json'),
          '--prices',
          path.join(dir, 'prices.csv'),
          '--json',
        ],
        { cwd: workspaceRoot, maxBuffer: 10_000_000 },
      );
      const plan = JSON.parse(stdout) as {
        orders: { account: string; side: string; symbol: string; quantity: string }[];
      };
      expect(plan.orders.map((o) => [o.account, o.side, o.symbol, o.quantity])).toEqual(
        proposal.trades.map((t) => [t.accountId, t.side, t.symbol, t.quantity]),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect((await fetch(`${optimizer.baseUrl}/proposals/${randomUUID()}/decision`)).status).toBe(404);
    expect((await fetch(`${optimizer.baseUrl}/proposals/not-a-uuid/decision`)).status).toBe(400);
  }, 120_000);

  it('ignores a redelivery, dead-letters a poison message with its reason, and keeps processing behind them', async () => {
    const state = aState(FIXED_ID, 1);
    // The very same record again (same envelope id): the inbox absorbs it.
    await publish(
      DRIFT_DETECTED_TOPIC,
      FIXED_ID,
      envelopeOf(DRIFT_DETECTED_TOPIC, aDrift(state, prices), firstDriftId),
    );
    // Not JSON at all, then JSON that breaks the schema.
    await kafka.send(topic(DRIFT_DETECTED_TOPIC), [{ key: FIXED_ID, value: '{"payload": oops' }]);
    const invalid = envelopeOf(DRIFT_DETECTED_TOPIC, { ...aDrift(state, prices), stateVersion: 0 });
    await publish(DRIFT_DETECTED_TOPIC, FIXED_ID, invalid);

    const next = aState(FIXED_ID, 2);
    await publish(PORTFOLIO_STATE_TOPIC, FIXED_ID, envelopeOf(PORTFOLIO_STATE_TOPIC, next));
    await snapshotHeld(FIXED_ID, 2);
    const nextDriftId = randomUUID();
    await publish(
      DRIFT_DETECTED_TOPIC,
      FIXED_ID,
      envelopeOf(DRIFT_DETECTED_TOPIC, aDrift(next, prices), nextDriftId),
    );
    const second = await proposalOf(nextDriftId);
    expect(second.stateVersion).toBe(2);

    // Processed in order behind the redelivery and the poison: one proposal per cause.
    expect(proposals((p) => p.cause.messageId === firstDriftId)).toHaveLength(1);
    const dlq = topic(deadLetterTopicFor(`${groupPrefix}optimizer`));
    const letters = await waitFor('two dead letters', () => {
      const found = kafka.messages(dlq);
      return found.length >= 2 ? found : undefined;
    });
    const reasons = letters.map(
      (letter) => (letter.json as { reason: { kind: string; message: string } }).reason,
    );
    expect(reasons[0]?.kind).toBe('schema');
    expect(reasons[0]?.message).toMatch(/not valid JSON/);
    expect(reasons[1]?.kind).toBe('schema');
    expect(reasons[1]?.message).toMatch(/drift\.detected schema/);
    expect(
      optimizer.log.some((line) => line.includes(`duplicate drift.detected message ${firstDriftId}`)),
    ).toBe(true);
  });

  it('gives no proposal for a drift of an older state version or without a price for a held symbol', async () => {
    const held = aState(FIXED_ID, 2);
    const staleId = randomUUID();
    const unpricedId = randomUUID();
    const validId = randomUUID();
    await publish(
      DRIFT_DETECTED_TOPIC,
      FIXED_ID,
      envelopeOf(DRIFT_DETECTED_TOPIC, aDrift(held, prices, 1), staleId),
    );
    const unpriced = aDrift(held, prices);
    await publish(
      DRIFT_DETECTED_TOPIC,
      FIXED_ID,
      envelopeOf(
        DRIFT_DETECTED_TOPIC,
        { ...unpriced, pricesUsed: unpriced.pricesUsed.filter((price) => price.symbol !== 'BND') },
        unpricedId,
      ),
    );
    await publish(
      DRIFT_DETECTED_TOPIC,
      FIXED_ID,
      envelopeOf(DRIFT_DETECTED_TOPIC, aDrift(held, prices), validId),
    );
    await proposalOf(validId);
    expect(proposals((p) => p.cause.messageId === staleId || p.cause.messageId === unpricedId)).toEqual([]);
    expect(
      optimizer.log.some((line) => line.includes(`drift.detected ${staleId}`) && line.includes('ignored')),
    ).toBe(true);
    expect(
      optimizer.log.some(
        (line) => line.includes(`drift.detected ${unpricedId}`) && line.includes('no price for BND'),
      ),
    ).toBe(true);
  });
});

describe('optimizer: targets from an objective on market-data history', () => {
  it('plans to min-volatility weights, caches the estimates in Redis, and a request of the same day reuses them', async () => {
    const state = aState(OBJECTIVE_ID, 1, {
      planningPolicy: { targets: { objective: 'min-volatility', lookbackDays: 40 } },
    });
    const prices = { VTI: '250', BND: '101' };
    await publish(PORTFOLIO_STATE_TOPIC, OBJECTIVE_ID, envelopeOf(PORTFOLIO_STATE_TOPIC, state));
    await snapshotHeld(OBJECTIVE_ID, 1);
    const driftId = randomUUID();
    await publish(
      DRIFT_DETECTED_TOPIC,
      OBJECTIVE_ID,
      envelopeOf(DRIFT_DETECTED_TOPIC, aDrift(state, prices), driftId),
    );
    const proposal = await proposalOf(driftId);

    // Min-volatility leans on the quieter BND, unlike the fixed 60/40 model.
    const bnd = proposal.targets.find((target) => target.symbol === 'BND')?.weight ?? 0;
    expect(bnd).toBeGreaterThan(0.5);
    expect(Math.abs(proposal.targets.reduce((sum, t) => sum + t.weight, 0) - 1)).toBeLessThan(1e-9);
    expect(
      proposal.explanation.some(
        (line) => line.includes('min-volatility over 40 daily returns') && line.includes('computed'),
      ),
    ).toBe(true);
    expect(historyRequests.some((request) => request.startsWith('/history?symbols=VTI%2CBND'))).toBe(true);

    const redis = await connectToRedis();
    try {
      const cached = await redis.get(estimatesKey(redisPrefix, ['VTI', 'BND'], 40, '2024-03-15'));
      expect(JSON.parse(cached ?? 'null')).toMatchObject({ symbols: ['VTI', 'BND'], observations: 40 });
    } finally {
      redis.disconnect();
    }

    // A manual request with a deposit: prices from the history's last closes (2024-03-15), the same
    // (universe, window, as-of), so the estimates come from the cache.
    const request: RebalanceRequestedPayload = {
      portfolioId: OBJECTIVE_ID,
      requestId: randomUUID(),
      requestedBy: { kind: 'person', userId: 'advisor-1' },
      requestedAt: '2024-03-15T21:00:00.000Z',
      reason: 'quarterly review',
      mode: null,
      cashFlow: { accountId: 'ira', amount: '5000' },
    };
    const requestId = randomUUID();
    await publish(
      REBALANCE_REQUESTED_TOPIC,
      OBJECTIVE_ID,
      envelopeOf(REBALANCE_REQUESTED_TOPIC, request, requestId),
    );
    const requested = await proposalOf(requestId);
    expect(requested.scenarios.map((s) => s.kind)).toEqual(['full', 'band', 'cash-flow', 'partial', 'defer']);
    expect(requested.explanation.some((line) => line.includes('(cached estimates)'))).toBe(true);
    expect(requested.pricesUsed.map((price) => price.source)).toEqual([
      'market-data-history',
      'market-data-history',
    ]);
    expect(requested.targets).toEqual(proposal.targets);
  });
});
