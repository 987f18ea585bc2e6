import { type Admin, type ITopicConfig } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  compacted?: boolean;
}

/** Thrown when topics exist but some partition still has no leader after the timeout. */
export class TopicsNotReadyError extends Error {
  override readonly name = 'TopicsNotReadyError';
}

/**
 * Creates missing topics and waits until every partition of every topic has a leader.
 * Topics are never left to auto-creation: on KRaft that races with the first produce and
 * answers "no leader for partition" for a while.
 */
export async function ensureTopics(
  admin: Admin,
  specs: readonly TopicSpec[],
  timeoutMs = 30_000,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing: ITopicConfig[] = specs
    .filter((spec) => !existing.has(spec.topic))
    .map((spec) => ({
      topic: spec.topic,
      numPartitions: spec.numPartitions,
      replicationFactor: spec.replicationFactor,
      configEntries: spec.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
    }));
  if (missing.length > 0) {
    try {
      // Not kafkajs's `waitForLeaders`: it retries only LEADER_NOT_AVAILABLE, while a broker whose
      // metadata cache has not caught up with the new topic answers UNKNOWN_TOPIC_OR_PARTITION ("This
      // server does not host this topic-partition") and the service failed to start (seen in CI on
      // a loaded machine). The loop below waits for the leaders and retries any metadata error.
      await admin.createTopics({ topics: missing, waitForLeaders: false, timeout: timeoutMs });
    } catch (error) {
      // Another replica may have created the same topics between listTopics and createTopics.
      if (!/already exists/i.test(String((error as Error).message)) && !isTopicExistsError(error)) {
        throw error;
      }
    }
  }
  const deadline = Date.now() + timeoutMs;
  const topics = specs.map((spec) => spec.topic);
  for (;;) {
    const leaderless = await partitionsWithoutLeader(admin, topics);
    if (leaderless.length === 0) return;
    if (Date.now() > deadline) {
      throw new TopicsNotReadyError(
        `partitions without a leader after ${timeoutMs} ms: ${leaderless.join(', ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function isTopicExistsError(error: unknown): boolean {
  const errors = (error as { errors?: { type?: string }[] }).errors;
  return Array.isArray(errors) && errors.every((entry) => entry.type === 'TOPIC_ALREADY_EXISTS');
}

async function partitionsWithoutLeader(admin: Admin, topics: string[]): Promise<string[]> {
  try {
    const metadata = await admin.fetchTopicMetadata({ topics });
    return metadata.topics.flatMap((topic) =>
      topic.partitions
        .filter((partition) => partition.leader < 0)
        .map((p) => `${topic.name}[${p.partitionId}]`),
    );
  } catch (error) {
    return [`metadata unavailable (${(error as Error).message})`];
  }
}
