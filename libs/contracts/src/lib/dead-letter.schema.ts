import { z } from 'zod';
import { isoDateTimeString, nonEmptyString } from './primitives';
import { validationIssueSchema } from './validation-issue';

/** Suffix of every consumer group's dead-letter topic. */
export const DEAD_LETTER_TOPIC_SUFFIX = '.dlq';
export const DEAD_LETTER_SCHEMA_VERSION = 1;

/**
 * The dead-letter topic of a consumer group: one per group, because whether a message is
 * processable depends on who consumes it, and operators replay per group.
 */
export function deadLetterTopicFor(groupId: string): string {
  return `${groupId}${DEAD_LETTER_TOPIC_SUFFIX}`;
}

/** Whether `topic` is a dead-letter topic (see {@link deadLetterTopicFor}). */
export function isDeadLetterTopic(topic: string): boolean {
  return topic.endsWith(DEAD_LETTER_TOPIC_SUFFIX) && topic.length > DEAD_LETTER_TOPIC_SUFFIX.length;
}

/**
 * Why a message was given up on:
 * - `schema`: not JSON, or not the topic's envelope or payload shape;
 * - `validation`: well-formed but semantically unusable (the handler said so);
 * - `retries-exhausted`: a transient-looking failure outlived the bounded retries;
 * - `handler`: the handler failed in a way retrying cannot fix.
 */
export const DEAD_LETTER_REASON_KINDS = ['schema', 'validation', 'retries-exhausted', 'handler'] as const;
export type DeadLetterReasonKind = (typeof DEAD_LETTER_REASON_KINDS)[number];

/** How `value` holds the original bytes. */
export const DEAD_LETTER_ENCODINGS = ['utf8', 'base64'] as const;
export type DeadLetterEncoding = (typeof DEAD_LETTER_ENCODINGS)[number];

export const deadLetterReasonSchema = z.object({
  kind: z.enum(DEAD_LETTER_REASON_KINDS),
  message: z.string(),
  /** Present for `schema` failures: each problem with its path. */
  issues: z.array(validationIssueSchema).optional(),
});

/**
 * A message a consumer group could not process, with everything needed to inspect it and replay
 * it to its source topic unchanged: the original key, value bytes and headers, and where it was.
 */
export const deadLetterSchema = z
  .object({
    sourceTopic: nonEmptyString,
    sourcePartition: z.int().nonnegative(),
    /** Kafka offsets are 64-bit, beyond a JSON number's exact range, hence a string. */
    sourceOffset: z.string().regex(/^\d+$/, 'must be a non-negative integer as a string, such as "42"'),
    key: z.string().nullable(),
    /** The original value: its text when valid UTF-8, else base64 (see `encoding`); null for a tombstone. */
    value: z.string().nullable(),
    encoding: z.enum(DEAD_LETTER_ENCODINGS),
    /** The original headers, decoded as UTF-8. */
    headers: z.record(z.string(), z.string()),
    reason: deadLetterReasonSchema,
    consumerGroup: nonEmptyString,
    failedAt: isoDateTimeString,
    /** Handler attempts made; 0 when the message was rejected before reaching the handler. */
    attempts: z.int().nonnegative(),
  })
  .superRefine((letter, context) => {
    if (
      letter.encoding === 'base64' &&
      letter.value !== null &&
      !z.base64().safeParse(letter.value).success
    ) {
      context.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'must be base64 when encoding is "base64"',
      });
    }
  });

export type DeadLetterReason = z.infer<typeof deadLetterReasonSchema>;
export type DeadLetter = z.infer<typeof deadLetterSchema>;
