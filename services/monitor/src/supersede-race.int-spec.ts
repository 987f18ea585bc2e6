/**
 * Issue 8: the api refuses an approval because the ledger moved from v2 to v3, and publishes
 * portfolio.state v3 and one orders.rejected per leg (stage `approval`, code `ledger-changed`,
 * stateVersion 2, ledgerVersion 3) on separate topics, so the monitor may read them in either order.
 * The monitor as a process on real Kafka and PostgreSQL:
 *  - rejection first: nothing fires on the v2 it still holds; when v3 arrives, exactly one
 *    drift.detected, on v3; a redelivered rejection and later ticks add nothing;
 *  - v3 first: the rejection re-arms at once and fires on v3.
 * Each run has its own topic and group prefixes, schema and symbols.
 */
import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  DRIFT_DETECTED_TOPIC,
  type DriftDetectedPayload,
  type MessageEnvelope,
  ORDERS_REJECTED_TOPIC,
  type OrdersRejectedPayload,
  parseMessage,
  PORTFOLIO_STATE_TOPIC,
  type PortfolioStatePayload,
  portfolioStatePayloadSchema,
  PRICE_TICK_TOPIC,
  toCloudEventHeaders,
} from '@ballast/contracts';
import {
  buildService,
  KafkaTestClient,
  randomPort,
  ServiceProcess,
  uniqueRunId,
  waitFor,
} from '@ballast/testing';
import { Client } from 'pg';

const runId = uniqueRunId('monitor-race');
const topicPrefix = `${runId}.`;
const groupPrefix = `${runId}-`;
const topic = (name: string) => `${topicPrefix}${name}`;
const required = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: the integration global setup did not run`);
  return value;
};

let monitor: ServiceProcess;
let kafka: KafkaTestClient;
let db: Client;
const schema = `monitor_${runId}`.replace(/-/g, '_');
const monitorLog = () => `monitor log:\n${monitor.tail(20)}`;

/**
 * 60 and 40 units, targets 60/40, band ±5 points, at ledger `version`. v3 is v2 after a deposit of
 * 100 (what superseded the proposal): at equity 130 and bonds 100 it is still out of band,
 * 7 800 / 11 900 = 65.5 % against 60 %.
 */
function aState(
  portfolioId: string,
  [equity, bonds]: [string, string],
  version: number,
): PortfolioStatePayload {
  return portfolioStatePayloadSchema.parse({
    portfolioId,
    householdId: `household-${runId}`,
    name: `Race ${equity}/${bonds}`,
    baseCurrency: 'USD',
    version,
    accounts: [
      {
        accountId: 'taxable',
        name: 'Brokerage',
        type: 'taxable',
        cash: version >= 3 ? '100' : '0',
        positions: [
          { symbol: equity, quantity: '60', lots: [] },
          { symbol: bonds, quantity: '40', lots: [] },
        ],
      },
    ],
    targets: [
      { symbol: equity, weight: 0.6 },
      { symbol: bonds, weight: 0.4 },
    ],
    policy: { absoluteBandBps: 500 },
    updatedAt: `2024-03-15T13:0${version}:00.000Z`,
  });
}

function envelopeOf<T>(type: string, payload: T): MessageEnvelope<T> {
  return createEnvelope({ type, schemaVersion: 1, producedBy: 'integration-test', payload });
}

async function publish<T>(name: string, key: string, envelope: MessageEnvelope<T>): Promise<void> {
  await kafka.send(topic(name), [
    { key, value: JSON.stringify(envelope), headers: toCloudEventHeaders(envelope) },
  ]);
}

async function tick(symbol: string, price: string, asOf: string): Promise<void> {
  const payload = { symbol, price, currency: 'USD', asOf, asOfMillis: Date.parse(asOf), source: 'test' };
  await publish(PRICE_TICK_TOPIC, symbol, envelopeOf(PRICE_TICK_TOPIC, payload));
  await waitFor(
    `the monitor to process the ${symbol} tick at ${asOf}`,
    async () => {
      const { rows } = await db.query<{ as_of_millis: string }>(
        `SELECT as_of_millis FROM "${schema}".latest_price WHERE symbol = $1`,
        [symbol],
      );
      return rows[0] !== undefined && Number(rows[0].as_of_millis) >= Date.parse(asOf) ? true : undefined;
    },
    { timeoutMs: 30_000, lastSeen: monitorLog },
  );
}

/** The api's refusal of a v2 proposal with the ledger at v3: one rejection per leg. */
function refusals(
  portfolioId: string,
  [equity, bonds]: [string, string],
): MessageEnvelope<OrdersRejectedPayload>[] {
  const proposalId = randomUUID();
  return [1, 2].map((leg) =>
    envelopeOf(ORDERS_REJECTED_TOPIC, {
      proposalId,
      portfolioId,
      leg,
      clientOrderId: `${proposalId}-${leg}`,
      accountId: 'taxable',
      symbol: leg === 1 ? equity : bonds,
      side: leg === 1 ? 'sell' : 'buy',
      quantity: '5',
      stage: 'approval',
      code: 'ledger-changed',
      reason:
        'the proposal was computed from ledger version 2; the portfolio is at version 3 (changed: accounts)',
      rejectedAt: '2024-03-15T14:50:00.000Z',
      stateVersion: 2,
      ledgerVersion: 3,
    }),
  );
}

/** Every leg handled (its inbox row committed with its effects): nothing more can come from them. */
async function handled(envelopes: MessageEnvelope<unknown>[]): Promise<void> {
  const ids = envelopes.map((envelope) => envelope.id);
  await waitFor(
    `the monitor to handle ${ids.length} rejection(s)`,
    async () => {
      const { rows } = await db.query<{ count: string }>(
        `SELECT count(*) AS count FROM "${schema}".inbox_message WHERE message_id = ANY($1)`,
        [ids],
      );
      return Number(rows[0]?.count ?? 0) === ids.length ? true : undefined;
    },
    { timeoutMs: 30_000, lastSeen: monitorLog },
  );
}

/** What the service decided (its outbox rows), relayed or not. */
async function driftDecisions(portfolioId: string): Promise<number> {
  const { rows } = await db.query<{ count: string }>(
    `SELECT count(*) AS count FROM "${schema}".outbox_message WHERE (topic = $1 OR topic LIKE '%.' || $1) AND message_key = $2`,
    [DRIFT_DETECTED_TOPIC, portfolioId],
  );
  return Number(rows[0]?.count ?? 0);
}

function driftEvents(portfolioId: string): DriftDetectedPayload[] {
  return kafka
    .messages(topic(DRIFT_DETECTED_TOPIC))
    .map((message) => {
      const parsed = parseMessage(DRIFT_DETECTED_TOPIC, message.json);
      if (!parsed.ok)
        throw new Error(`drift.detected does not match its schema: ${JSON.stringify(parsed.issues)}`);
      return parsed.envelope.payload;
    })
    .filter((payload) => payload.portfolioId === portfolioId);
}

async function driftVersions(portfolioId: string, count: number): Promise<number[]> {
  const events = await waitFor(
    `${count} drift.detected for ${portfolioId}`,
    () => {
      const found = driftEvents(portfolioId);
      return found.length >= count ? found : undefined;
    },
    { timeoutMs: 30_000, lastSeen: monitorLog },
  );
  return events.map((event) => event.stateVersion);
}

async function held(
  portfolioId: string,
): Promise<{ version: number; rearmAtVersion: number | null } | undefined> {
  const { rows } = await db.query<{ version: number; rearm_at_version: number | null }>(
    `SELECT version, rearm_at_version FROM "${schema}".monitored_portfolio WHERE portfolio_id = $1`,
    [portfolioId],
  );
  const row = rows[0];
  return row === undefined ? undefined : { version: row.version, rearmAtVersion: row.rearm_at_version };
}

async function holds(portfolioId: string, version: number): Promise<void> {
  await waitFor(
    `the monitor to hold ${portfolioId} v${version}`,
    async () => ((await held(portfolioId))?.version ?? 0) >= version || undefined,
    { timeoutMs: 30_000, lastSeen: monitorLog },
  );
}

/** v2 held, prices crossing the band: the episode's first drift.detected, on v2. */
async function outOfBandAtV2(portfolioId: string, symbols: [string, string]): Promise<void> {
  await publish(
    PORTFOLIO_STATE_TOPIC,
    portfolioId,
    envelopeOf(PORTFOLIO_STATE_TOPIC, aState(portfolioId, symbols, 2)),
  );
  await holds(portfolioId, 2);
  await tick(symbols[1], '100', '2024-03-15T14:00:00.000Z');
  await tick(symbols[0], '130', '2024-03-15T14:00:00.000Z');
  expect(await driftVersions(portfolioId, 1)).toEqual([2]);
}

beforeAll(async () => {
  await buildService('monitor');
  monitor = new ServiceProcess('monitor', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    HTTP_PORT: String(randomPort()),
    SERVICE_INSTANCE_ID: runId,
    KAFKA_BROKERS: required('KAFKA_BROKERS'),
    KAFKA_GROUP_PREFIX: groupPrefix,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    KAFKA_MAX_ATTEMPTS: '3',
    DATABASE_URL: required('DATABASE_URL'),
    DATABASE_SCHEMA: schema,
  });
  await monitor.start(120_000);
  kafka = new KafkaTestClient(required('KAFKA_BROKERS').split(','));
  await kafka.watch([topic(DRIFT_DETECTED_TOPIC)]);
  db = new Client({ connectionString: required('DATABASE_URL') });
  await db.connect();
}, 240_000);

afterAll(async () => {
  const steps: (() => Promise<unknown>)[] = [
    async () => monitor?.stop(),
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
  const current = expect.getState();
  if (current.assertionCalls > current.numPassingAsserts || current.suppressedErrors.length > 0) {
    process.stderr.write(`\n--- monitor log tail ---\n${monitor.tail(40)}\n`);
  }
});

describe('monitor: a proposal superseded by ledger v3, read in either order with portfolio.state v3', () => {
  const suffix = runId.slice(-6).toUpperCase();

  it('rejection first: waits on v2, then exactly one drift.detected, on v3, once v3 arrives', async () => {
    const portfolioId = randomUUID();
    const symbols: [string, string] = [`F${suffix}`, `C${suffix}`];
    await outOfBandAtV2(portfolioId, symbols);

    const legs = refusals(portfolioId, symbols);
    for (const envelope of legs) await publish(ORDERS_REJECTED_TOPIC, portfolioId, envelope);
    await handled(legs);
    await waitFor(
      'the re-arm to wait for v3',
      async () => ((await held(portfolioId))?.rearmAtVersion === 3 ? true : undefined),
      { timeoutMs: 30_000, lastSeen: monitorLog },
    );
    // A tick on v2 while it waits: the episode is still active, nothing fires on the stale version.
    await tick(symbols[0], '131', '2024-03-15T14:10:00.000Z');
    expect(await driftDecisions(portfolioId)).toBe(1);

    await publish(
      PORTFOLIO_STATE_TOPIC,
      portfolioId,
      envelopeOf(PORTFOLIO_STATE_TOPIC, aState(portfolioId, symbols, 3)),
    );
    expect(await driftVersions(portfolioId, 2)).toEqual([2, 3]);
    expect(await held(portfolioId)).toEqual({ version: 3, rearmAtVersion: null });

    // A redelivered leg and a later tick on v3 change nothing: one drift.detected for v3, not two.
    await publish(ORDERS_REJECTED_TOPIC, portfolioId, legs[0]!);
    await waitFor(
      'the redelivered rejection to be recognised',
      () =>
        monitor.log.some((line) => line.includes(`duplicate orders.rejected message ${legs[0]!.id}`)) ||
        undefined,
    );
    await tick(symbols[0], '132', '2024-03-15T14:20:00.000Z');
    expect(await driftDecisions(portfolioId)).toBe(2);
  });

  it('v3 first: the rejection re-arms at once and fires on v3', async () => {
    const portfolioId = randomUUID();
    const symbols: [string, string] = [`G${suffix}`, `D${suffix}`];
    await outOfBandAtV2(portfolioId, symbols);

    // v3 alone changes nothing: the v2 episode is still active.
    await publish(
      PORTFOLIO_STATE_TOPIC,
      portfolioId,
      envelopeOf(PORTFOLIO_STATE_TOPIC, aState(portfolioId, symbols, 3)),
    );
    await holds(portfolioId, 3);
    expect(await driftDecisions(portfolioId)).toBe(1);

    const legs = refusals(portfolioId, symbols);
    for (const envelope of legs) await publish(ORDERS_REJECTED_TOPIC, portfolioId, envelope);
    await handled(legs);
    expect(await driftVersions(portfolioId, 2)).toEqual([2, 3]);
    expect(await held(portfolioId)).toEqual({ version: 3, rearmAtVersion: null });
    expect(await driftDecisions(portfolioId)).toBe(2);
  });
});
