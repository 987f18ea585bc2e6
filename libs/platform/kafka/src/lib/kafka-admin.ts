import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { getTopicContract, deadLetterTopicFor } from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { type Admin, Kafka } from 'kafkajs';
import { consumerGroupId, kafkaClientConfig, type KafkaEnvConfig, physicalTopic } from './kafka-config';
import { KAFKA_MODULE_OPTIONS, type KafkaModuleOptions } from './kafka.tokens';
import { ensureTopics, type TopicSpec } from './topic-admin';

/**
 * Creates this service's topics and dead-letter topics at boot (before any consumer subscribes)
 * and answers readiness probes with a cheap metadata request.
 */
@Injectable()
export class KafkaAdmin implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(KafkaAdmin.name);
  private readonly admin: Admin;

  constructor(
    @Inject(APP_CONFIG) private readonly config: KafkaEnvConfig,
    @Inject(KAFKA_MODULE_OPTIONS) private readonly options: KafkaModuleOptions,
  ) {
    this.admin = new Kafka(kafkaClientConfig(config, `${options.serviceName}-admin`)).admin();
  }

  async onModuleInit(): Promise<void> {
    await this.admin.connect();
    const specs = this.topicSpecs();
    await ensureTopics(this.admin, specs);
    this.logger.log(`topics ready: ${specs.map((spec) => spec.topic).join(', ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.disconnect();
  }

  topicSpecs(): TopicSpec[] {
    const partitions = this.config.KAFKA_TOPIC_PARTITIONS;
    const replicationFactor = this.config.KAFKA_REPLICATION_FACTOR;
    const own = this.options.topics.map((topic) => ({
      topic: physicalTopic(this.config, topic),
      numPartitions: partitions,
      replicationFactor,
      compacted: getTopicContract(topic).compacted,
    }));
    const deadLetters = this.options.consumerGroups.map((group) => ({
      topic: physicalTopic(this.config, deadLetterTopicFor(consumerGroupId(this.config, group))),
      numPartitions: 1,
      replicationFactor,
    }));
    return [...own, ...deadLetters];
  }

  /** Resolves when a broker answers a metadata request within `timeoutMs`. */
  async ping(timeoutMs = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.admin.describeCluster(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
