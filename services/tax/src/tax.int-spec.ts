/**
 * The tax service as a process on real Kafka and PostgreSQL:
 *  - portfolio.state + rebalance.proposed in, orders.proposed out with the relieved lots and a
 *    wash-sale finding for a household whose IRA bought the symbol the taxable account sells at a loss;
 *  - a redelivered proposal has no second effect; a poison message goes to tax.dlq with the reason
 *    and the next proposal is still processed.
 * Each run has its own topic and group prefixes and schema.
 */
import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  deadLetterTopicFor,
  type MessageEnvelope,
  ORDERS_PROPOSED_TOPIC,
  type OrdersProposedPayload,
  parseMessage,
  PORTFOLIO_STATE_TOPIC,
  portfolioStatePayloadSchema,
  REBALANCE_PROPOSED_TOPIC,
  type RebalanceProposedPayload,
  rebalanceProposedPayloadSchema,
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

const runId = uniqueRunId('tax');
const topicPrefix = `${runId}.`;
const groupPrefix = `${runId}-`;
const topic = (name: string) => `${topicPrefix}${name}`;
const required = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: the integration global setup did not run`);
  return value;
};
const PORTFOLIO_ID = randomUUID();

let tax: ServiceProcess;
let kafka: KafkaTestClient;

/** Taxable: VTI lots at 150 and 300 a share; the IRA bought 5 VTI ten days before the proposal. */
const state = portfolioStatePayloadSchema.parse({
  portfolioId: PORTFOLIO_ID,
  householdId: `household-${runId}`,
  name: 'Wash sale',
  baseCurrency: 'USD',
  version: 1,
  accounts: [
    {
      accountId: 'taxable',
      name: 'Brokerage',
      type: 'taxable',
      cash: '500',
      positions: [
        {
          symbol: 'VTI',
          quantity: '100',
          lots: [
            { lotId: 'lot-old', quantity: '60', costBasis: '9000', acquiredOn: '2019-05-01' },
            { lotId: 'lot-high', quantity: '40', costBasis: '12000', acquiredOn: '2023-09-01' },
          ],
        },
      ],
    },
    {
      accountId: 'ira',
      name: 'IRA',
      type: 'traditional',
      cash: '0',
      positions: [
        { symbol: 'VTI', quantity: '5', lots: [] },
        { symbol: 'BND', quantity: '100', lots: [] },
      ],
    },
  ],
  targets: [
    { symbol: 'VTI', weight: 0.6 },
    { symbol: 'BND', weight: 0.4 },
  ],
  policy: { absoluteBandBps: 500 },
  planningPolicy: { lotMethod: 'hifo', approval: { thresholdValue: '5000', fourEyesValue: '50000' } },
  transactions: [
    { accountId: 'ira', symbol: 'VTI', side: 'buy', quantity: '5', price: '255', date: '2024-03-05' },
  ],
  updatedAt: '2024-03-15T14:00:00.000Z',
});

function aProposal(proposalId: string): RebalanceProposedPayload {
  return rebalanceProposedPayloadSchema.parse({
    proposalId,
    portfolioId: PORTFOLIO_ID,
    stateVersion: 1,
    asOf: '2024-03-15T20:00:00.000Z',
    baseCurrency: 'USD',
    cause: { topic: 'drift.detected', messageId: randomUUID() },
    targets: state.targets,
    driftBefore: 0.12,
    scenarios: [
      { kind: 'full', driftAfter: 0.001, turnover: 0.1, cost: '0', estimatedTax: '0', trades: 2, score: 1 },
      { kind: 'defer', driftAfter: 0.12, turnover: 0, cost: '0', estimatedTax: '0', trades: 0, score: 120 },
    ],
    chosen: 'full',
    trades: [
      {
        leg: 1,
        accountId: 'taxable',
        symbol: 'VTI',
        side: 'sell',
        quantity: '40',
        referencePrice: '250',
        estimatedValue: '10000',
      },
      {
        leg: 2,
        accountId: 'taxable',
        symbol: 'BND',
        side: 'buy',
        quantity: '99',
        referencePrice: '101',
        estimatedValue: '9999',
      },
    ],
    explanation: ['integration'],
    pricesUsed: [
      { symbol: 'VTI', price: '250', currency: 'USD', asOf: '2024-03-15T20:00:00.000Z', source: 'test' },
      { symbol: 'BND', price: '101', currency: 'USD', asOf: '2024-03-15T20:00:00.000Z', source: 'test' },
    ],
    totalValue: '36350',
  });
}

function envelopeOf<T>(type: string, payload: T): MessageEnvelope<T> {
  return createEnvelope({ type, schemaVersion: 1, producedBy: 'integration-test', payload });
}

async function publish<T>(name: string, envelope: MessageEnvelope<T>): Promise<void> {
  await kafka.send(topic(name), [
    { key: PORTFOLIO_ID, value: JSON.stringify(envelope), headers: toCloudEventHeaders(envelope) },
  ]);
}

function ordersProposed(proposalId: string): OrdersProposedPayload[] {
  return kafka
    .messages(topic(ORDERS_PROPOSED_TOPIC))
    .map((message) => {
      const parsed = parseMessage(ORDERS_PROPOSED_TOPIC, message.json);
      if (!parsed.ok)
        throw new Error(`orders.proposed does not match its schema: ${JSON.stringify(parsed.issues)}`);
      return parsed.envelope.payload;
    })
    .filter((payload) => payload.proposalId === proposalId);
}

function ordersOf(proposalId: string): Promise<OrdersProposedPayload> {
  return waitFor(`orders.proposed of ${proposalId}`, () => ordersProposed(proposalId)[0], {
    timeoutMs: 60_000,
    lastSeen: () => `tax log:\n${tax.tail(20)}`,
  });
}

beforeAll(async () => {
  await buildService('tax');
  tax = new ServiceProcess('tax', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    HTTP_PORT: String(randomPort()),
    SERVICE_INSTANCE_ID: runId,
    KAFKA_BROKERS: required('KAFKA_BROKERS'),
    KAFKA_GROUP_PREFIX: groupPrefix,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    KAFKA_MAX_ATTEMPTS: '3',
    DATABASE_URL: required('DATABASE_URL'),
    DATABASE_SCHEMA: `tax_${runId}`.replace(/-/g, '_'),
    WASH_SALE_RESOLUTION: 'accept',
  });
  await tax.start(120_000);
  kafka = new KafkaTestClient(required('KAFKA_BROKERS').split(','));
  await kafka.watch([topic(ORDERS_PROPOSED_TOPIC), topic(deadLetterTopicFor(`${groupPrefix}tax`))]);
  await publish(PORTFOLIO_STATE_TOPIC, envelopeOf(PORTFOLIO_STATE_TOPIC, state));
  // As in the pipeline, where the optimizer proposes only from a state it holds.
  const client = new Client({ connectionString: required('DATABASE_URL') });
  await client.connect();
  try {
    await waitFor('tax to hold the snapshot', async () => {
      const { rows } = await client.query(
        `SELECT 1 FROM "${tax.env['DATABASE_SCHEMA']}".portfolio_snapshot WHERE portfolio_id = $1`,
        [PORTFOLIO_ID],
      );
      return rows.length > 0 ? true : undefined;
    });
  } finally {
    await client.end();
  }
}, 240_000);

afterAll(async () => {
  const steps: (() => Promise<unknown>)[] = [
    async () => tax?.stop(),
    async () => kafka?.close(),
    async () => kafka?.deleteTopicsWithPrefix(topicPrefix),
    async () => {
      const client = new Client({ connectionString: required('DATABASE_URL') });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${tax.env['DATABASE_SCHEMA']}" CASCADE`);
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
  const current = expect.getState();
  if (current.assertionCalls > current.numPassingAsserts || current.suppressedErrors.length > 0) {
    process.stderr.write(`\n--- tax log tail ---\n${tax.tail(40)}\n`);
  }
});

describe('tax: rebalance.proposed -> orders.proposed', () => {
  const proposalId = randomUUID();
  let proposalEnvelope: MessageEnvelope<RebalanceProposedPayload>;

  it('relieves the lots by the household method and flags the loss sale the IRA purchase washes', async () => {
    proposalEnvelope = envelopeOf(REBALANCE_PROPOSED_TOPIC, aProposal(proposalId));
    await publish(REBALANCE_PROPOSED_TOPIC, proposalEnvelope);
    const orders = await ordersOf(proposalId);

    expect(orders.orders.map((order) => [order.leg, order.side, order.symbol, order.quantity])).toEqual([
      [1, 'sell', 'VTI', '40'],
      [2, 'buy', 'BND', '99'],
    ]);
    // hifo: the 300-a-share lot, a 2 000 short-term loss.
    expect(orders.orders[0]?.lots).toEqual([
      {
        lotId: 'lot-high',
        acquiredOn: '2023-09-01',
        quantity: '40',
        costBasis: '12000',
        gain: '-2000',
        term: 'short',
      },
    ]);
    expect(orders.washSales).toHaveLength(1);
    expect(orders.washSales[0]).toMatchObject({
      accountId: 'taxable',
      symbol: 'VTI',
      conflictingAccountId: 'ira',
      conflictingDate: '2024-03-05',
      disallowedLoss: '250',
      resolution: 'accepted',
      permanentlyLost: true,
    });
    expect(orders.taxImpact.realizedShortTerm).toBe('-1750');
    expect(orders.washSaleCoverage.complete).toBe(false);
    // 19 999 of orders against the household's 5 000 threshold: one person approves.
    expect(orders.approval).toMatchObject({ required: true, approversRequired: 1 });
  });

  it('ignores a redelivery, dead-letters a poison message with its reason, and processes the next proposal', async () => {
    await publish(REBALANCE_PROPOSED_TOPIC, proposalEnvelope);
    const poison = envelopeOf(REBALANCE_PROPOSED_TOPIC, { ...aProposal(randomUUID()), chosen: 'sideways' });
    await publish(REBALANCE_PROPOSED_TOPIC, poison);
    const nextId = randomUUID();
    await publish(REBALANCE_PROPOSED_TOPIC, envelopeOf(REBALANCE_PROPOSED_TOPIC, aProposal(nextId)));
    await ordersOf(nextId);

    expect(ordersProposed(proposalId)).toHaveLength(1);
    const letter = await waitFor(
      'the dead letter',
      () => kafka.messages(topic(deadLetterTopicFor(`${groupPrefix}tax`)))[0],
    );
    const reason = (letter.json as { reason: { kind: string; message: string; issues?: { path: string }[] } })
      .reason;
    expect(reason.kind).toBe('schema');
    expect(reason.issues?.map((issue) => issue.path)).toContain('payload.chosen');
    expect(
      tax.log.some((line) => line.includes(`duplicate rebalance.proposed message ${proposalEnvelope.id}`)),
    ).toBe(true);
  });
});
