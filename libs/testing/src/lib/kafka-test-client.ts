import { randomUUID } from 'node:crypto';
import {
  type Admin,
  type Consumer,
  type IHeaders,
  Kafka,
  logLevel,
  Partitioners,
  type Producer,
} from 'kafkajs';

export interface ReceivedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  /** The value parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * A test's own window on Kafka: a producer for sending raw records (including malformed ones) and
 * a consumer with a group id unique to this test process that records everything on the topics it
 * watches. Always `close()` it in teardown: a consumer that leaves uncleanly delays the next join.
 */
export class KafkaTestClient {
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private consumer: Consumer | undefined;
  private groupId: string | undefined;
  readonly received: ReceivedMessage[] = [];

  constructor(brokers: readonly string[]) {
    this.kafka = new Kafka({
      clientId: `ballast-test-${process.pid}`,
      brokers: [...brokers],
      logLevel: logLevel.NOTHING,
    });
  }

  async send(
    topic: string,
    records: { key: string | null; value: string | Buffer | null; headers?: IHeaders }[],
  ): Promise<void> {
    if (this.producer === undefined) {
      this.producer = this.kafka.producer({
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await this.producer.connect();
    }
    await this.producer.send({ topic, acks: -1, messages: records });
  }

  /** Starts recording the topics (which must exist) from their beginning. */
  async watch(topics: readonly string[]): Promise<void> {
    this.groupId = `ballast-test-${process.pid}-${randomUUID()}`;
    this.consumer = this.kafka.consumer({ groupId: this.groupId, allowAutoTopicCreation: false });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...topics], fromBeginning: true });
    let assigned = false;
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      assigned = true;
    });
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const value = message.value === null ? null : message.value.toString('utf8');
        let json: unknown;
        try {
          json = value === null ? undefined : (JSON.parse(value) as unknown);
        } catch {
          json = undefined;
        }
        const headers: Record<string, string> = {};
        for (const [name, header] of Object.entries(message.headers ?? {})) {
          if (header !== undefined) headers[name] = String(Array.isArray(header) ? header[0] : header);
        }
        this.received.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value,
          headers,
          json,
        });
        return Promise.resolve();
      },
    });
    const deadline = Date.now() + 30_000;
    while (!assigned && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    if (!assigned) throw new Error(`test consumer did not join its group for ${topics.join(', ')}`);
  }

  /**
   * The broker refuses to delete a group until its last member's leave is processed
   * (NON_EMPTY_GROUP), which can trail the disconnect: retry a little, then say so. An undeleted
   * group only costs a little broker memory until offsets retention removes it, so it does not fail
   * the run.
   */
  private async deleteGroup(admin: Admin, groupId: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await admin.deleteGroups([groupId]);
        return;
      } catch (error) {
        if (attempt >= 10) {
          process.stderr.write(
            `test consumer group ${groupId} was not deleted: ${(error as Error).message}\n`,
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
  }

  messages(topic: string, predicate: (message: ReceivedMessage) => boolean = () => true): ReceivedMessage[] {
    return this.received.filter((message) => message.topic === topic && predicate(message));
  }

  /** Deletes every topic whose name starts with `prefix` (a test run's KAFKA_TOPIC_PREFIX). */
  async deleteTopicsWithPrefix(prefix: string): Promise<string[]> {
    if (prefix === '') throw new Error('refusing to delete every topic: the prefix is empty');
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
      if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
      return topics;
    } finally {
      await admin.disconnect();
    }
  }

  /** Leaves and deletes this client's consumer group, so that test runs leave no groups behind. */
  async close(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    if (this.groupId !== undefined) {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        await this.deleteGroup(admin, this.groupId);
      } finally {
        await admin.disconnect();
      }
    }
  }
}
