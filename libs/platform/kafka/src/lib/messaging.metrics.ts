import { Counter, Gauge, Histogram, register } from 'prom-client';

/**
 * Prometheus metrics of the messaging layer, served at /metrics with the process metrics. Labels
 * are bounded (topic, consumer group, outcome): never a message id or key.
 */
function counter<Label extends string>(
  name: string,
  help: string,
  labelNames: readonly Label[],
): Counter<Label> {
  return (
    (register.getSingleMetric(name) as Counter<Label> | undefined) ?? new Counter({ name, help, labelNames })
  );
}

export const consumedMessages = counter(
  'ballast_messages_consumed_total',
  'Messages taken off Kafka by a consumer group, by outcome (handled, duplicate, dead-lettered)',
  ['topic', 'group', 'outcome'],
);

export const handlerRetries = counter(
  'ballast_message_handler_retries_total',
  'Transient handler failures that were retried',
  ['topic', 'group'],
);

export const publishedRecords = counter('ballast_records_published_total', 'Records acknowledged by Kafka', [
  'topic',
]);

export const handlerSeconds =
  (register.getSingleMetric('ballast_message_handler_seconds') as Histogram<'topic' | 'group'> | undefined) ??
  new Histogram({
    name: 'ballast_message_handler_seconds',
    help: 'Time from taking a message off Kafka to committing its offset',
    labelNames: ['topic', 'group'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });

export const outboxBacklog =
  (register.getSingleMetric('ballast_outbox_unpublished') as Gauge | undefined) ??
  new Gauge({
    name: 'ballast_outbox_unpublished',
    help: 'Outbox rows claimed in the last relay batch (a full batch means a backlog)',
  });
