/**
 * Thrown when code asks for a topic the registry does not list: a typo or a topic added without
 * a contract. Failing loudly at startup beats producing or consuming messages nobody validates.
 */
export class UnknownTopicError extends Error {
  override readonly name = 'UnknownTopicError';

  constructor(
    readonly topic: string,
    knownTopics: readonly string[],
  ) {
    super(`Unknown topic "${topic}": not in the contracts registry (known: ${knownTopics.join(', ')})`);
  }
}
