import * as contracts from './index';

describe('public API (index.ts)', () => {
  it('exposes the registry, envelope, headers and dead-letter helpers from the entry point', () => {
    expect(contracts.TOPIC_NAMES).toContain(contracts.PRICE_TICK_TOPIC);
    expect(contracts.getTopicContract(contracts.PORTFOLIO_STATE_TOPIC).payloadSchema).toBe(
      contracts.portfolioStatePayloadSchema,
    );
    expect(typeof contracts.createEnvelope).toBe('function');
    expect(typeof contracts.toCloudEventHeaders).toBe('function');
    expect(contracts.deadLetterTopicFor('tax')).toBe('tax.dlq');
  });
});
