import { logLevel } from 'kafkajs';
import { kafkajsLineLevel } from './kafka-config';

describe('kafkajsLineLevel', () => {
  it("writes kafkajs's retried protocol error responses as warnings, not errors", () => {
    // Both lines were logged at ERROR by every service of `npm run stack` while it created its topics.
    expect(kafkajsLineLevel(logLevel.ERROR, 'Response Metadata(key: 3, version: 6)')).toBe('warn');
    expect(kafkajsLineLevel(logLevel.ERROR, 'Response CreateTopics(key: 19, version: 3)')).toBe('warn');
  });

  it('keeps every other kafkajs error an error, warnings warnings, and the rest debug', () => {
    expect(kafkajsLineLevel(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded')).toBe('error');
    expect(kafkajsLineLevel(logLevel.ERROR, 'Connection error: connect ECONNREFUSED')).toBe('error');
    expect(kafkajsLineLevel(logLevel.WARN, 'Response Metadata(key: 3, version: 6)')).toBe('warn');
    expect(kafkajsLineLevel(logLevel.INFO, 'Consumer has joined the group')).toBe('debug');
  });
});
