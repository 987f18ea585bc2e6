import { createEnvelope } from './envelope';
import { aPortfolioState, aPriceTick, PORTFOLIO_ID } from './testing/examples';
import {
  TOPICS,
  TOPIC_NAMES,
  getTopicContract,
  isTopicName,
  parseMessage,
  partitionKeyFor,
  topicRegistry,
} from './topic-registry';
import { UnknownTopicError } from './unknown-topic.error';

function aPriceTickMessage() {
  return createEnvelope({
    type: 'price.tick',
    schemaVersion: 1,
    producedBy: 'market-data',
    payload: aPriceTick(),
  });
}

/** What a consumer receives: the envelope after a trip through JSON. */
function overTheWire(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

describe('topic registry', () => {
  it('lists every v1 topic under its own name', () => {
    expect(TOPIC_NAMES).toEqual([
      'prices.raw',
      'price.tick',
      'portfolio.state',
      'drift.detected',
      'price.stale',
      'risk.alert',
      'rebalance.requested',
      'rebalance.proposed',
      'orders.proposed',
      'orders.approved',
      'orders.executed',
      'orders.rejected',
    ]);
    for (const name of TOPIC_NAMES) {
      expect(TOPICS[name].name).toBe(name);
      expect(TOPICS[name].schemaVersion).toBe(1);
    }
  });

  it('records keys and compaction as DESIGN.md describes them', () => {
    expect(getTopicContract('prices.raw')).toMatchObject({ key: 'symbol', compacted: false });
    expect(getTopicContract('price.tick')).toMatchObject({ key: 'symbol', compacted: false });
    expect(getTopicContract('portfolio.state')).toMatchObject({ key: 'portfolioId', compacted: true });
    expect(getTopicContract('drift.detected')).toMatchObject({ key: 'portfolioId', compacted: false });
    expect(getTopicContract('price.stale')).toMatchObject({ key: 'symbol', compacted: false });
    for (const name of TOPIC_NAMES.filter(
      (topic) => topic.startsWith('orders.') || topic.startsWith('rebalance.'),
    )) {
      expect(getTopicContract(name)).toMatchObject({ key: 'portfolioId', compacted: false });
    }
  });

  it('throws UnknownTopicError for unlisted topics, including Object.prototype keys', () => {
    expect(() => getTopicContract('orders.approved.v2')).toThrow(UnknownTopicError);
    expect(() => getTopicContract('toString')).toThrow(
      `Unknown topic "toString": not in the contracts registry (known: ${TOPIC_NAMES.join(', ')})`,
    );
    expect(isTopicName('constructor')).toBe(false);
    expect(topicRegistry.has('price.tick')).toBe(true);
    expect(topicRegistry.get('price.tick')).toBe(TOPICS['price.tick']);
  });

  it('takes the partition key from the payload field the contract names', () => {
    expect(partitionKeyFor('price.tick', aPriceTick())).toBe('VTI');
    expect(partitionKeyFor('portfolio.state', aPortfolioState())).toBe(PORTFOLIO_ID);
  });
});

describe('parseMessage', () => {
  it('returns the typed envelope of a valid message', () => {
    const message = aPriceTickMessage();
    const result = parseMessage('price.tick', overTheWire(message));
    expect(result).toEqual({ ok: true, envelope: message });
    if (result.ok) {
      expect(result.envelope.payload.asOfMillis).toBe(1_710_513_000_000);
    }
  });

  it('applies payload defaults', () => {
    const state = aPortfolioState();
    const message = overTheWire(
      createEnvelope({ type: 'portfolio.state', schemaVersion: 1, producedBy: 'api', payload: state }),
    ) as { payload: { accounts: { positions: { lots?: unknown }[] }[] } };
    delete message.payload.accounts[1]?.positions[0]?.lots;
    const result = parseMessage('portfolio.state', message);
    expect(result.ok && result.envelope.payload.accounts[1]?.positions[0]?.lots).toEqual([]);
  });

  it('rejects a message of another type published to the topic', () => {
    const message = { ...aPriceTickMessage(), type: 'prices.raw' };
    expect(parseMessage('price.tick', overTheWire(message))).toEqual({
      ok: false,
      issues: [{ path: 'type', message: 'must be "price.tick" on topic price.tick, got "prices.raw"' }],
    });
  });

  it('rejects another schema version', () => {
    const message = { ...aPriceTickMessage(), schemaVersion: 2 };
    expect(parseMessage('price.tick', overTheWire(message))).toEqual({
      ok: false,
      issues: [{ path: 'schemaVersion', message: 'must be 1 on topic price.tick, got 2' }],
    });
  });

  it('reports payload problems with their full path', () => {
    const message = aPriceTickMessage();
    const bad = { ...message, id: 'nope', payload: { ...message.payload, price: '-1', currency: 'usd' } };
    expect(parseMessage('price.tick', overTheWire(bad))).toEqual({
      ok: false,
      issues: [
        { path: 'id', message: 'must be a UUID such as "0b6f1a9e-5c1d-4f3e-9a2b-7c8d9e0f1a2b"' },
        { path: 'payload.price', message: 'must be greater than zero' },
        {
          path: 'payload.currency',
          message: 'must be an ISO 4217 currency code of three upper-case letters, such as "USD"',
        },
      ],
    });
  });

  it('reports a value that is not an object at the root', () => {
    expect(parseMessage('price.tick', 'hello')).toEqual({
      ok: false,
      issues: [{ path: '(root)', message: 'Invalid input: expected object, received string' }],
    });
  });

  it('throws for an unregistered topic: a programming error, not a bad message', () => {
    expect(() => parseMessage('nope', {})).toThrow(UnknownTopicError);
  });
});
