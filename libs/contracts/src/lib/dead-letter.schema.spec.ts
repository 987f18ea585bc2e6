import { deadLetterSchema, deadLetterTopicFor, isDeadLetterTopic } from './dead-letter.schema';
import { aDeadLetter } from './testing/examples';
import { issuesOf } from './testing/issues';

describe('dead letter', () => {
  it('accepts a schema failure with its issues', () => {
    expect(issuesOf(deadLetterSchema, aDeadLetter())).toEqual([]);
  });

  it('accepts a tombstone and a base64 value', () => {
    expect(issuesOf(deadLetterSchema, { ...aDeadLetter(), value: null })).toEqual([]);
    expect(issuesOf(deadLetterSchema, { ...aDeadLetter(), value: '//79/A==', encoding: 'base64' })).toEqual(
      [],
    );
  });

  it('rejects a base64 value that is not base64', () => {
    expect(
      issuesOf(deadLetterSchema, { ...aDeadLetter(), value: 'not base64!', encoding: 'base64' }),
    ).toEqual(['value: must be base64 when encoding is "base64"']);
  });

  it('rejects a numeric offset, an unknown reason and a negative attempt count', () => {
    const letter = {
      ...aDeadLetter(),
      sourceOffset: 42,
      reason: { kind: 'oops', message: 'x' },
      attempts: -1,
    };
    expect(issuesOf(deadLetterSchema, letter)).toEqual([
      'sourceOffset: Invalid input: expected string, received number',
      'reason.kind: Invalid option: expected one of "schema"|"validation"|"retries-exhausted"|"handler"',
      'attempts: Too small: expected number to be >=0',
    ]);
  });

  it('names the dead-letter topic after the consumer group', () => {
    expect(deadLetterTopicFor('monitor')).toBe('monitor.dlq');
    expect(isDeadLetterTopic('monitor.dlq')).toBe(true);
    expect(isDeadLetterTopic('.dlq')).toBe(false);
    expect(isDeadLetterTopic('price.tick')).toBe(false);
  });
});
