/**
 * The monitor as a process on real Kafka and PostgreSQL:
 *  - a snapshot and ticks that cross a band give exactly one drift.detected, with the prices and the
 *    state version used; a redelivered tick or snapshot has no second effect;
 *  - a price.stale symbol blocks the portfolio (no drift.detected, the reason visible over HTTP) until
 *    a fresh tick of the symbol, which then lets the drift through;
 *  - a risk limit of the policy alerts once per breach episode, again after it has ended;
 *  - adaptive bands follow the regime of a benchmark's daily closes (a crisis doubles the band);
 *  - poison messages (not JSON, a bad tick) go to the consumer's dead-letter topic with the reason, and
 *    the messages behind them are still processed; a snapshot whose policy cannot be read is held but
 *    decides nothing (the fields named over HTTP) until a corrected one arrives.
 * Each run has its own topic and group prefixes, schema and symbols.
 */
import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  deadLetterTopicFor,
  DRIFT_DETECTED_TOPIC,
  type DriftDetectedPayload,
  type MessageEnvelope,
  ORDERS_REJECTED_TOPIC,
  type OrdersRejectedPayload,
  parseMessage,
  PORTFOLIO_STATE_TOPIC,
  type PortfolioStatePayload,
  portfolioStatePayloadSchema,
  PRICE_STALE_TOPIC,
  PRICE_TICK_TOPIC,
  type PriceTickPayload,
  RISK_ALERT_TOPIC,
  type RiskAlertPayload,
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

const runId = uniqueRunId('monitor');
const topicPrefix = `${runId}.`;
const groupPrefix = `${runId}-`;
const topic = (name: string) => `${topicPrefix}${name}`;
const required = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: the integration global setup did not run`);
  return value;
};
const PORTFOLIO_DLQ = deadLetterTopicFor(`${groupPrefix}monitor`);
const TICKS_DLQ = deadLetterTopicFor(`${groupPrefix}monitor-ticks`);

let monitor: ServiceProcess;
let kafka: KafkaTestClient;
let db: Client;
const schema = `monitor_${runId}`.replace(/-/g, '_');

/** Two holdings, 60 and 40 units, targets 60/40: in band at equal prices. */
function aState(
  portfolioId: string,
  [first, second]: [string, string],
  overrides: Partial<PortfolioStatePayload> = {},
): PortfolioStatePayload {
  return portfolioStatePayloadSchema.parse({
    portfolioId,
    householdId: `household-${runId}`,
    name: `Monitor ${first}/${second}`,
    baseCurrency: 'USD',
    version: 1,
    accounts: [
      {
        accountId: 'taxable',
        name: 'Brokerage',
        type: 'taxable',
        cash: '0',
        positions: [
          { symbol: first, quantity: '60', lots: [] },
          { symbol: second, quantity: '40', lots: [] },
        ],
      },
    ],
    targets: [
      { symbol: first, weight: 0.6 },
      { symbol: second, weight: 0.4 },
    ],
    policy: { absoluteBandBps: 500 },
    updatedAt: '2024-03-15T13:00:00.000Z',
    ...overrides,
  });
}

function aTick(symbol: string, price: string, asOf: string): PriceTickPayload {
  return { symbol, price, currency: 'USD', asOf, asOfMillis: Date.parse(asOf), source: 'test' };
}

function envelopeOf<T>(type: string, payload: T): MessageEnvelope<T> {
  return createEnvelope({ type, schemaVersion: 1, producedBy: 'integration-test', payload });
}

async function publish<T>(name: string, key: string, envelope: MessageEnvelope<T>): Promise<void> {
  await kafka.send(topic(name), [
    { key, value: JSON.stringify(envelope), headers: toCloudEventHeaders(envelope) },
  ]);
}

const tick = async (
  symbol: string,
  price: string,
  asOf: string,
): Promise<MessageEnvelope<PriceTickPayload>> => {
  const envelope = envelopeOf(PRICE_TICK_TOPIC, aTick(symbol, price, asOf));
  await publish(PRICE_TICK_TOPIC, symbol, envelope);
  return envelope;
};

function payloadsOf<T>(name: string, portfolioId: string): T[] {
  return kafka
    .messages(topic(name))
    .map((message) => {
      const parsed = parseMessage(name, message.json);
      if (!parsed.ok) throw new Error(`${name} does not match its schema: ${JSON.stringify(parsed.issues)}`);
      return parsed.envelope.payload as T & { portfolioId: string };
    })
    .filter((payload) => payload.portfolioId === portfolioId);
}

/** Rows the service wrote to its outbox for a portfolio: what it decided, whether relayed yet or not. */
async function outboxCount(name: string, portfolioId: string): Promise<number> {
  const { rows } = await db.query<{ count: string }>(
    `SELECT count(*) AS count FROM "${schema}".outbox_message WHERE (topic = $1 OR topic LIKE '%.' || $1) AND message_key = $2`,
    [name, portfolioId],
  );
  return Number(rows[0]?.count ?? 0);
}

/** The held price of a symbol once the monitor has processed a tick at `asOf` (its effects are then committed). */
async function processed(symbol: string, asOf: string): Promise<void> {
  await waitFor(
    `the monitor to process the ${symbol} tick at ${asOf}`,
    async () => {
      const { rows } = await db.query<{ as_of_millis: string }>(
        `SELECT as_of_millis FROM "${schema}".latest_price WHERE symbol = $1`,
        [symbol],
      );
      return rows[0] !== undefined && Number(rows[0].as_of_millis) >= Date.parse(asOf) ? true : undefined;
    },
    { timeoutMs: 30_000, lastSeen: () => `monitor log:\n${monitor.tail(20)}` },
  );
}

interface MonitoredView {
  version: number;
  blockedReason: string | null;
  staleSymbols: string[];
  activeTriggers: string[];
  breachedLimits: string[];
}

async function view(portfolioId: string): Promise<MonitoredView | undefined> {
  const response = await fetch(`${monitor.baseUrl}/portfolios/${portfolioId}`);
  if (response.status === 404) return undefined;
  return (await response.json()) as MonitoredView;
}

async function holds(portfolioId: string, version = 1): Promise<void> {
  await waitFor(
    `the monitor to hold ${portfolioId} v${version}`,
    async () => {
      const current = await view(portfolioId);
      return current !== undefined && current.version >= version ? true : undefined;
    },
    { timeoutMs: 30_000, lastSeen: () => `monitor log:\n${monitor.tail(20)}` },
  );
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
  await kafka.watch([
    topic(DRIFT_DETECTED_TOPIC),
    topic(RISK_ALERT_TOPIC),
    topic(PORTFOLIO_DLQ),
    topic(TICKS_DLQ),
  ]);
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

describe('monitor: a band crossed, stale prices, redelivery', () => {
  const portfolioId = randomUUID();
  const suffix = runId.slice(-6).toUpperCase();
  const [equity, bonds] = [`E${suffix}`, `B${suffix}`];
  let crossing: MessageEnvelope<PriceTickPayload>;
  let snapshot: MessageEnvelope<PortfolioStatePayload>;

  it("holds a stale symbol's portfolio back, then lets exactly one drift.detected through after a fresh tick", async () => {
    snapshot = envelopeOf(PORTFOLIO_STATE_TOPIC, aState(portfolioId, [equity, bonds]));
    await publish(PORTFOLIO_STATE_TOPIC, portfolioId, snapshot);
    await holds(portfolioId);
    await tick(equity, '100', '2024-03-15T14:00:00.000Z');
    await tick(bonds, '100', '2024-03-15T14:00:00.000Z');
    await processed(bonds, '2024-03-15T14:00:00.000Z');
    expect(await view(portfolioId)).toMatchObject({ blockedReason: null, activeTriggers: [] });

    // market-data reports the bond stale; then equities rally: 60 × 130 / (7 800 + 4 000) = 66.1%, 6.1 points over.
    const stale = envelopeOf(PRICE_STALE_TOPIC, {
      symbol: bonds,
      lastPriceAt: '2024-03-15T14:00:00.000Z',
      lastPrice: '100',
      source: 'test',
      maxAgeSeconds: 900,
      detectedAt: '2024-03-15T14:20:00.000Z',
    });
    await publish(PRICE_STALE_TOPIC, bonds, stale);
    await waitFor('the bond to be stale', async () =>
      (await view(portfolioId))?.staleSymbols.includes(bonds) === true ? true : undefined,
    );
    await tick(equity, '130', '2024-03-15T14:30:00.000Z');
    await processed(equity, '2024-03-15T14:30:00.000Z');
    expect(await view(portfolioId)).toMatchObject({
      blockedReason: `stale-prices: stale price for ${bonds}`,
      activeTriggers: [],
    });
    expect(await outboxCount(DRIFT_DETECTED_TOPIC, portfolioId)).toBe(0);

    // A fresh bond tick ends the staleness: the portfolio is valued, out of band, and fires once.
    crossing = await tick(bonds, '100', '2024-03-15T14:31:00.000Z');
    const [event] = await waitFor(
      'drift.detected',
      () => {
        const events = payloadsOf<DriftDetectedPayload>(DRIFT_DETECTED_TOPIC, portfolioId);
        return events.length > 0 ? events : undefined;
      },
      { timeoutMs: 30_000, lastSeen: () => `monitor log:\n${monitor.tail(20)}` },
    );
    expect(event?.stateVersion).toBe(1);
    expect(event?.asOf).toBe('2024-03-15T14:31:00.000Z');
    // Rows and prices come sorted by symbol: the bond fund (B…) before the equity fund (E…).
    expect(event?.triggers.map((t) => [t.kind, t.symbol, t.direction])).toEqual([
      ['absolute-band', bonds, 'under'],
      ['absolute-band', equity, 'over'],
    ]);
    expect(event?.pricesUsed.map((p) => [p.symbol, p.price, p.asOf])).toEqual([
      [bonds, '100', '2024-03-15T14:31:00.000Z'],
      [equity, '130', '2024-03-15T14:30:00.000Z'],
    ]);
    expect(event?.totalValue).toBe('11800');
    expect(event?.risk).toMatchObject({ maxPositionWeight: expect.closeTo(7800 / 11800, 12) as number });
    expect(await view(portfolioId)).toMatchObject({ blockedReason: null, staleSymbols: [] });
  });

  it('does not fire again for the same episode, nor for a redelivered tick or snapshot', async () => {
    await publish(PRICE_TICK_TOPIC, bonds, crossing);
    await publish(PORTFOLIO_STATE_TOPIC, portfolioId, snapshot);
    await tick(equity, '131', '2024-03-15T14:45:00.000Z');
    await processed(equity, '2024-03-15T14:45:00.000Z');
    await waitFor('the redeliveries to be recognised', () =>
      monitor.log.some((line) => line.includes(`duplicate price.tick message ${crossing.id}`)) &&
      monitor.log.some((line) => line.includes(`duplicate portfolio.state message ${snapshot.id}`))
        ? true
        : undefined,
    );
    expect(await outboxCount(DRIFT_DETECTED_TOPIC, portfolioId)).toBe(1);
    expect(await view(portfolioId)).toMatchObject({
      activeTriggers: [`absolute-band:${bonds}`, `absolute-band:${equity}`].sort(),
    });
  });

  it("fires again when the api supersedes the episode's proposal (ledger-changed), once per proposal; execution's rejections change nothing", async () => {
    const rejection = (
      proposalId: string,
      leg: number,
      stage: OrdersRejectedPayload['stage'],
      code: OrdersRejectedPayload['code'],
    ): MessageEnvelope<OrdersRejectedPayload> =>
      envelopeOf(ORDERS_REJECTED_TOPIC, {
        proposalId,
        portfolioId,
        leg,
        clientOrderId: `${proposalId}-${leg}`,
        accountId: 'acct-1',
        symbol: leg === 1 ? equity : bonds,
        side: leg === 1 ? 'sell' : 'buy',
        quantity: '5',
        stage,
        code,
        reason: `test: ${code}`,
        rejectedAt: '2024-03-15T14:50:00.000Z',
      });
    const superseded = randomUUID();
    const later = randomUUID();
    // Same key, same partition, in this order: an execution refusal, the two legs of a superseded
    // proposal, then one leg of another superseded proposal (the marker that all before it were read).
    for (const envelope of [
      rejection(randomUUID(), 1, 'pre-trade', 'insufficient-cash'),
      rejection(superseded, 1, 'approval', 'ledger-changed'),
      rejection(superseded, 2, 'approval', 'ledger-changed'),
      rejection(later, 1, 'approval', 'ledger-changed'),
    ]) {
      await publish(ORDERS_REJECTED_TOPIC, portfolioId, envelope);
    }
    await waitFor(
      'the re-arm for the second superseded proposal',
      async () => {
        const { rows } = await db.query(
          `SELECT 1 FROM "${schema}".superseded_proposal WHERE proposal_id = $1`,
          [later],
        );
        return rows.length === 1 ? true : undefined;
      },
      { timeoutMs: 30_000, lastSeen: () => `monitor log:\n${monitor.tail(20)}` },
    );
    // Still out of band on the held snapshot and prices: one new drift.detected per superseded proposal.
    expect(await outboxCount(DRIFT_DETECTED_TOPIC, portfolioId)).toBe(3);
    const events = await waitFor('three drift.detected', () => {
      const found = payloadsOf<DriftDetectedPayload>(DRIFT_DETECTED_TOPIC, portfolioId);
      return found.length >= 3 ? found : undefined;
    });
    expect(events[1]?.pricesUsed.map((price) => [price.symbol, price.price])).toEqual([
      [bonds, '100'],
      [equity, '131'],
    ]);
    expect(kafka.messages(topic(PORTFOLIO_DLQ), (message) => message.key === portfolioId)).toEqual([]);
  });
});

describe('monitor: risk limits', () => {
  const portfolioId = randomUUID();
  const suffix = runId.slice(-6).toUpperCase();
  const [first, second] = [`R${suffix}`, `S${suffix}`];

  it('alerts once per breach episode of maxPositionWeight, and again after it has ended', async () => {
    // Band wide open (±50 points): only the risk limit speaks.
    await publish(
      PORTFOLIO_STATE_TOPIC,
      portfolioId,
      envelopeOf(
        PORTFOLIO_STATE_TOPIC,
        aState(portfolioId, [first, second], {
          policy: { absoluteBandBps: 5000 },
          planningPolicy: { riskLimits: { maxPositionWeight: 0.7 } },
        }),
      ),
    );
    await holds(portfolioId);
    await tick(second, '100', '2024-03-15T14:00:00.000Z');
    // 60 × 100 / 10 000 = 60%: within. 60 × 200 / 16 000 = 75%: breached. 60 × 210: still breached.
    // 60 × 100: back within (episode ends). 60 × 250 / 19 000 = 79%: a new episode.
    const steps: [string, string][] = [
      ['100', '2024-03-15T14:01:00.000Z'],
      ['200', '2024-03-15T14:02:00.000Z'],
      ['210', '2024-03-15T14:03:00.000Z'],
      ['100', '2024-03-15T14:04:00.000Z'],
      ['250', '2024-03-15T14:05:00.000Z'],
    ];
    const breachedAfter: string[][] = [];
    for (const [price, asOf] of steps) {
      await tick(first, price, asOf);
      await processed(first, asOf);
      breachedAfter.push((await view(portfolioId))?.breachedLimits ?? []);
    }
    const key = `max-position-weight:${first}`;
    expect(breachedAfter).toEqual([[], [key], [key], [], [key]]);
    const alerts = await waitFor('two risk.alert events', () => {
      const found = payloadsOf<RiskAlertPayload>(RISK_ALERT_TOPIC, portfolioId);
      return found.length >= 2 ? found : undefined;
    });
    expect(await outboxCount(RISK_ALERT_TOPIC, portfolioId)).toBe(2);
    expect(alerts.map((alert) => [alert.limit, alert.symbol, alert.threshold, alert.asOf])).toEqual([
      ['max-position-weight', first, 0.7, '2024-03-15T14:02:00.000Z'],
      ['max-position-weight', first, 0.7, '2024-03-15T14:05:00.000Z'],
    ]);
    expect(alerts[0]?.value).toBeCloseTo(0.75, 12);
    expect(await outboxCount(DRIFT_DETECTED_TOPIC, portfolioId)).toBe(0);
  });
});

describe('monitor: regime-adaptive bands', () => {
  const portfolioId = randomUUID();
  const suffix = runId.slice(-6).toUpperCase();
  const [first, second, benchmark] = [`A${suffix}`, `C${suffix}`, `X${suffix}`];

  it('widens the band in a crisis of the benchmark: 6 points pass, 15 fire with the regime in the event', async () => {
    await publish(
      PORTFOLIO_STATE_TOPIC,
      portfolioId,
      envelopeOf(
        PORTFOLIO_STATE_TOPIC,
        aState(portfolioId, [first, second], {
          // A short window so that ten closes classify (the defaults need 21 and a week's dwell).
          planningPolicy: {
            adaptiveBands: { benchmark, thresholds: { volatilityWindow: 5, minDwellPeriods: 1 } },
          },
        }),
      ),
    );
    await holds(portfolioId);
    // Daily swings of about ±8% on a falling benchmark (the benchmark is not held).
    const closes = ['100', '92', '99', '91', '84', '90', '80', '86', '75', '70'];
    for (const [index, close] of closes.entries()) {
      await tick(benchmark, close, `2024-03-${String(index + 1).padStart(2, '0')}T21:00:00.000Z`);
    }
    await processed(benchmark, '2024-03-10T21:00:00.000Z');

    await tick(first, '100', '2024-03-11T21:00:00.000Z');
    await tick(second, '100', '2024-03-11T21:00:00.000Z');
    await processed(second, '2024-03-11T21:00:00.000Z');
    await processed(first, '2024-03-11T21:00:00.000Z');
    // 60 × 130 / 11 800 = 66.1%: 6.1 points over, outside the policy's ±5 but inside the crisis ±10.
    await tick(first, '130', '2024-03-11T21:10:00.000Z');
    await processed(first, '2024-03-11T21:10:00.000Z');
    expect(await view(portfolioId)).toMatchObject({ blockedReason: null, activeTriggers: [] });
    expect(await outboxCount(DRIFT_DETECTED_TOPIC, portfolioId)).toBe(0);

    // 60 × 200 / 16 000 = 75%: 15 points over.
    await tick(first, '200', '2024-03-11T21:20:00.000Z');
    const event = await waitFor(
      'drift.detected under adaptive bands',
      () => payloadsOf<DriftDetectedPayload>(DRIFT_DETECTED_TOPIC, portfolioId)[0],
    );
    expect(event.regime).toMatchObject({ benchmark, regime: 'crisis', bandScale: 2 });
    expect(
      event.triggers.map((t) => (t.kind === 'absolute-band' ? [t.symbol, t.bandBps] : [t.kind])),
    ).toEqual([
      [first, 1000],
      [second, 1000],
    ]);
  });
});

describe('monitor: poison messages', () => {
  const portfolioId = randomUUID();
  const suffix = runId.slice(-6).toUpperCase();

  it('dead-letters a value that is not JSON and a bad tick; holds a policy it cannot read without deciding on it', async () => {
    await kafka.send(topic(PORTFOLIO_STATE_TOPIC), [{ key: portfolioId, value: 'not json {' }]);
    const badTick = envelopeOf(PRICE_TICK_TOPIC, {
      ...aTick(`P${suffix}`, '-1', '2024-03-15T14:00:00.000Z'),
    });
    await publish(PRICE_TICK_TOPIC, `P${suffix}`, badTick);
    const badPolicy = envelopeOf(
      PORTFOLIO_STATE_TOPIC,
      aState(portfolioId, [`P${suffix}`, `Q${suffix}`], {
        planningPolicy: { riskLimits: { maxDrawdown: 20 }, cooldownDays: -1 },
      }),
    );
    await publish(PORTFOLIO_STATE_TOPIC, portfolioId, badPolicy);
    // Behind the poison message, the snapshot is held, blocked with every bad field named.
    await holds(portfolioId, 1);
    const blocked = await waitFor('the invalid policy to be reported', async () => {
      const reason = (await view(portfolioId))?.blockedReason;
      return reason?.startsWith('invalid-policy: ') === true ? reason : undefined;
    });
    expect(blocked).toContain('planningPolicy.riskLimits.maxDrawdown: must be at most 1');
    expect(blocked).toContain('planningPolicy.cooldownDays: ');
    // Prices that would cross the band decide nothing on that policy.
    await tick(`P${suffix}`, '130', '2024-03-15T14:00:00.000Z');
    await tick(`Q${suffix}`, '100', '2024-03-15T14:00:00.000Z');
    await processed(`P${suffix}`, '2024-03-15T14:00:00.000Z');
    await processed(`Q${suffix}`, '2024-03-15T14:00:00.000Z');
    expect((await view(portfolioId))?.blockedReason).toBe(blocked);
    expect(await outboxCount(DRIFT_DETECTED_TOPIC, portfolioId)).toBe(0);
    // The corrected snapshot (version 2) is evaluated: 60 × 130 / 11 800 is out of band.
    await publish(
      PORTFOLIO_STATE_TOPIC,
      portfolioId,
      envelopeOf(PORTFOLIO_STATE_TOPIC, aState(portfolioId, [`P${suffix}`, `Q${suffix}`], { version: 2 })),
    );
    await holds(portfolioId, 2);
    const detected = await waitFor(
      'drift.detected on the corrected policy',
      () => payloadsOf<DriftDetectedPayload>(DRIFT_DETECTED_TOPIC, portfolioId)[0],
    );
    expect(detected.stateVersion).toBe(2);
    expect((await view(portfolioId))?.blockedReason).toBeNull();

    const letter = await waitFor(
      'the dead letter of portfolio.state',
      () => kafka.messages(topic(PORTFOLIO_DLQ), (m) => m.key === portfolioId)[0],
    );
    expect((letter.json as { reason: { kind: string } }).reason.kind).toBe('schema');
    expect(kafka.messages(topic(PORTFOLIO_DLQ), (m) => m.key === portfolioId)).toHaveLength(1);

    const tickLetter = await waitFor(
      'the dead letter of the bad tick',
      () => kafka.messages(topic(TICKS_DLQ), (m) => m.key === `P${suffix}`)[0],
    );
    const tickReason = (tickLetter.json as { reason: { kind: string; issues?: { path: string }[] } }).reason;
    expect(tickReason.kind).toBe('schema');
    expect(tickReason.issues?.map((issue) => issue.path)).toContain('payload.price');
  });
});
