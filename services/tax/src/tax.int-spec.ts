/**
 * The tax service as a process on real Kafka and PostgreSQL:
 *  - portfolio.state + rebalance.proposed in, orders.proposed out with the relieved lots and a
 *    wash-sale finding for a household whose IRA bought the symbol the taxable account sells at a loss;
 *  - a redelivered proposal has no second effect; a poison message goes to tax.dlq with the reason
 *    and the next proposal is still processed;
 *  - wash sales across a household of two portfolios: a loss sale proposed in one is washed by the
 *    other's buy of ten days earlier, then by the other's pending proposal (IRS Publication 550);
 *    once orders.rejected says the api superseded that proposal, its buy washes nothing any more,
 *    and a poison orders.rejected goes to tax-rejections.dlq; last, a buy proposed in one portfolio
 *    washes the loss sale pending in the other's proposal.
 * Each run has its own topic and group prefixes and schema.
 */
import { randomUUID } from 'node:crypto';
import {
  clientOrderIdFor,
  createEnvelope,
  deadLetterTopicFor,
  type MessageEnvelope,
  ORDERS_PROPOSED_TOPIC,
  ORDERS_REJECTED_TOPIC,
  type OrdersProposedPayload,
  type OrdersRejectedPayload,
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

async function publish<T>(name: string, envelope: MessageEnvelope<T>, key = PORTFOLIO_ID): Promise<void> {
  await kafka.send(topic(name), [
    { key, value: JSON.stringify(envelope), headers: toCloudEventHeaders(envelope) },
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
  await kafka.watch([
    topic(ORDERS_PROPOSED_TOPIC),
    topic(deadLetterTopicFor(`${groupPrefix}tax`)),
    topic(deadLetterTopicFor(`${groupPrefix}tax-rejections`)),
  ]);
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

describe('tax: wash sales across the household', () => {
  // Two portfolios of one household (a couple's joint account and the spouse's own), each with an
  // account named `taxable`. Joint holds 40 VTI bought at 300; Spouse bought 10 VTI at 255 on
  // 2024-03-05, ten days before Joint proposes to sell its 40 at 250 (a 2 000 loss, 50 a share).
  const household = `household-two-${runId}`;
  const jointId = randomUUID();
  const spouseId = randomUUID();
  const stateOf = (
    portfolioId: string,
    name: string,
    vti: string,
    lots: unknown[],
    transactions: unknown[],
  ) =>
    portfolioStatePayloadSchema.parse({
      portfolioId,
      householdId: household,
      name,
      baseCurrency: 'USD',
      version: 1,
      accounts: [
        {
          accountId: 'taxable',
          name: `${name} brokerage`,
          type: 'taxable',
          cash: '20000',
          positions: [
            { symbol: 'VTI', quantity: vti, lots },
            { symbol: 'BND', quantity: '60', lots: [] },
          ],
        },
      ],
      targets: [
        { symbol: 'VTI', weight: 0.2 },
        { symbol: 'BND', weight: 0.8 },
      ],
      policy: { absoluteBandBps: 500 },
      planningPolicy: { approval: { thresholdValue: '50000', fourEyesValue: '100000' } },
      transactions,
      updatedAt: '2024-03-15T14:00:00.000Z',
    });
  const joint = stateOf(
    jointId,
    'Joint',
    '40',
    [{ lotId: 'joint-vti', quantity: '40', costBasis: '12000', acquiredOn: '2023-09-01' }],
    [{ accountId: 'taxable', symbol: 'BND', side: 'buy', quantity: '1', price: '100', date: '2024-01-10' }],
  );
  const spouse = stateOf(
    spouseId,
    'Spouse',
    '10',
    [{ lotId: 'spouse-vti', quantity: '10', costBasis: '2550', acquiredOn: '2024-03-05' }],
    [
      { accountId: 'taxable', symbol: 'BND', side: 'buy', quantity: '1', price: '100', date: '2024-01-12' },
      { accountId: 'taxable', symbol: 'VTI', side: 'buy', quantity: '10', price: '255', date: '2024-03-05' },
    ],
  );
  const proposalOf = (
    proposalId: string,
    portfolioId: string,
    trades: { leg: number; symbol: string; side: 'buy' | 'sell'; quantity: string; price: string }[],
  ) =>
    rebalanceProposedPayloadSchema.parse({
      ...aProposal(proposalId),
      portfolioId,
      trades: trades.map((trade) => ({
        leg: trade.leg,
        accountId: 'taxable',
        symbol: trade.symbol,
        side: trade.side,
        quantity: trade.quantity,
        referencePrice: trade.price,
        estimatedValue: (Number(trade.quantity) * Number(trade.price)).toFixed(2),
      })),
    });
  const sellVti = (proposalId: string) =>
    proposalOf(proposalId, jointId, [
      { leg: 1, symbol: 'VTI', side: 'sell', quantity: '40', price: '250' },
      { leg: 2, symbol: 'BND', side: 'buy', quantity: '99', price: '101' },
    ]);

  beforeAll(async () => {
    await publish(PORTFOLIO_STATE_TOPIC, envelopeOf(PORTFOLIO_STATE_TOPIC, joint), jointId);
    await publish(PORTFOLIO_STATE_TOPIC, envelopeOf(PORTFOLIO_STATE_TOPIC, spouse), spouseId);
    const client = new Client({ connectionString: required('DATABASE_URL') });
    await client.connect();
    try {
      await waitFor('tax to hold both snapshots of the household', async () => {
        const { rows } = await client.query<{ household_id: string }>(
          `SELECT household_id FROM "${tax.env['DATABASE_SCHEMA']}".portfolio_snapshot WHERE portfolio_id = ANY($1)`,
          [[jointId, spouseId]],
        );
        return rows.length === 2 && rows.every((row) => row.household_id === household) ? true : undefined;
      });
    } finally {
      await client.end();
    }
  }, 60_000);

  it("flags the loss sale the other portfolio's buy of ten days earlier washes, with its consequence", async () => {
    const proposalId = randomUUID();
    await publish(
      REBALANCE_PROPOSED_TOPIC,
      envelopeOf(REBALANCE_PROPOSED_TOPIC, sellVti(proposalId)),
      jointId,
    );
    const orders = await ordersOf(proposalId);

    expect(orders.portfolioId).toBe(jointId);
    expect(orders.washSales).toEqual([
      {
        accountId: 'taxable',
        symbol: 'VTI',
        conflictingAccountId: 'taxable',
        conflictingPortfolioId: spouseId,
        conflictingSymbol: 'VTI',
        conflictingDate: '2024-03-05',
        // 10 replacement shares x 50 of loss each, deferred into the spouse's shares (taxable account).
        disallowedLoss: '500',
        resolution: 'accepted',
        permanentlyLost: false,
        reason: orders.washSales[0]?.reason,
      },
    ]);
    expect(orders.washSales[0]?.reason).toContain(`portfolio "Spouse" (${spouseId}) of the same household`);
    // WASH_SALE_RESOLUTION=accept: the sale stays, 30 x 50 of loss realized.
    expect(orders.orders.map((order) => [order.leg, order.side, order.symbol])).toEqual([
      [1, 'sell', 'VTI'],
      [2, 'buy', 'BND'],
    ]);
    expect(orders.taxImpact.realizedShortTerm).toBe('-1500');
    expect(orders.washSaleCoverage).toEqual({ complete: true, reason: null });
  });

  // Spouse's own proposal buys 8 more VTI (published, not executed: the ledger is still v1).
  const spouseProposal = randomUUID();

  it("a buy pending in the other portfolio's orders.proposed washes the next loss sale too", async () => {
    await publish(
      REBALANCE_PROPOSED_TOPIC,
      envelopeOf(
        REBALANCE_PROPOSED_TOPIC,
        proposalOf(spouseProposal, spouseId, [
          { leg: 1, symbol: 'VTI', side: 'buy', quantity: '8', price: '250' },
        ]),
      ),
      spouseId,
    );
    await ordersOf(spouseProposal);

    const proposalId = randomUUID();
    await publish(
      REBALANCE_PROPOSED_TOPIC,
      envelopeOf(REBALANCE_PROPOSED_TOPIC, sellVti(proposalId)),
      jointId,
    );
    const orders = await ordersOf(proposalId);
    // The past buy (10 shares) and the pending one (8) each replace shares of the 40 sold.
    expect(
      orders.washSales.map((finding) => [
        finding.conflictingPortfolioId,
        finding.conflictingDate,
        finding.disallowedLoss,
      ]),
    ).toEqual([
      [spouseId, '2024-03-05', '500'],
      [spouseId, '2024-03-15', '400'],
    ]);
    expect(orders.washSales[1]?.reason).toContain(`order of proposal ${spouseProposal}`);
    expect(orders.taxImpact.realizedShortTerm).toBe('-1100');
  });

  it('once the api supersedes that proposal (orders.rejected, ledger-changed), its buy washes nothing', async () => {
    // A poison first, on the partition the rejection uses: set aside, the rejection behind it handled.
    const poison = `{"poison": "orders.rejected ${runId}", oops`;
    await kafka.send(topic(ORDERS_REJECTED_TOPIC), [{ key: spouseId, value: poison }]);
    const rejection: OrdersRejectedPayload = {
      proposalId: spouseProposal,
      portfolioId: spouseId,
      leg: 1,
      clientOrderId: clientOrderIdFor(spouseProposal, 1),
      accountId: 'taxable',
      symbol: 'VTI',
      side: 'buy',
      quantity: '8',
      stage: 'approval',
      code: 'ledger-changed',
      reason: 'the ledger changed since the proposal: v1 proposed, v2 current',
      rejectedAt: '2024-03-15T20:30:00.000Z',
    };
    const rejected = envelopeOf(ORDERS_REJECTED_TOPIC, rejection);
    await publish(ORDERS_REJECTED_TOPIC, rejected, spouseId);
    await publish(ORDERS_REJECTED_TOPIC, rejected, spouseId); // redelivered: one row, no error
    const client = new Client({ connectionString: required('DATABASE_URL') });
    await client.connect();
    try {
      await waitFor('tax to record the rejected leg', async () => {
        const { rows } = await client.query<{ stage: string; code: string }>(
          `SELECT stage, code FROM "${tax.env['DATABASE_SCHEMA']}".rejected_leg WHERE proposal_id = $1`,
          [spouseProposal],
        );
        return rows.length === 1 ? rows : undefined;
      });
    } finally {
      await client.end();
    }
    const letter = await waitFor(
      'the poison in tax-rejections.dlq',
      () => kafka.messages(topic(deadLetterTopicFor(`${groupPrefix}tax-rejections`)))[0],
    );
    expect(letter.json).toMatchObject({
      sourceTopic: topic(ORDERS_REJECTED_TOPIC),
      value: poison,
      reason: { kind: 'schema' },
    });

    const proposalId = randomUUID();
    await publish(
      REBALANCE_PROPOSED_TOPIC,
      envelopeOf(REBALANCE_PROPOSED_TOPIC, sellVti(proposalId)),
      jointId,
    );
    const orders = await ordersOf(proposalId);
    // Only the buy of ten days earlier is left: 10 of the 40 shares washed, 30 x 50 realized.
    expect(
      orders.washSales.map((finding) => [
        finding.conflictingPortfolioId,
        finding.conflictingDate,
        finding.disallowedLoss,
      ]),
    ).toEqual([[spouseId, '2024-03-05', '500']]);
    expect(orders.taxImpact.realizedShortTerm).toBe('-1500');
  });

  it("a buy proposed here washes the loss sale pending in the other portfolio's proposal (Publication 550)", async () => {
    // Spouse now proposes to sell its 10 VTI bought at 255, at 250: a 50 loss, 5 a share.
    const spouseSale = randomUUID();
    await publish(
      REBALANCE_PROPOSED_TOPIC,
      envelopeOf(
        REBALANCE_PROPOSED_TOPIC,
        proposalOf(spouseSale, spouseId, [
          { leg: 1, symbol: 'VTI', side: 'sell', quantity: '10', price: '250' },
        ]),
      ),
      spouseId,
    );
    expect((await ordersOf(spouseSale)).orders[0]?.lots.map((lot) => lot.gain)).toEqual(['-50']);

    // Joint proposes to buy 8 VTI: within 30 days after that sale, 8 of its 10 shares replaced.
    const proposalId = randomUUID();
    await publish(
      REBALANCE_PROPOSED_TOPIC,
      envelopeOf(
        REBALANCE_PROPOSED_TOPIC,
        proposalOf(proposalId, jointId, [
          { leg: 1, symbol: 'VTI', side: 'buy', quantity: '8', price: '250' },
        ]),
      ),
      jointId,
    );
    const orders = await ordersOf(proposalId);
    expect(
      orders.washSales.map((finding) => [
        finding.symbol,
        finding.conflictingPortfolioId,
        finding.conflictingDate,
        finding.disallowedLoss,
      ]),
    ).toEqual([['VTI', spouseId, '2024-03-15', '40']]);
    expect(orders.washSales[0]?.reason).toContain(`the loss sale is an order of proposal ${spouseSale}`);
  });
});
