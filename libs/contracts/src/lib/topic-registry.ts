import { z } from 'zod';
import { envelopeMetadataSchema, type MessageEnvelope } from './envelope';
import {
  DRIFT_DETECTED_KEY,
  DRIFT_DETECTED_SCHEMA_VERSION,
  DRIFT_DETECTED_TOPIC,
  driftDetectedPayloadSchema,
} from './topics/drift-detected.schema';
import {
  PORTFOLIO_STATE_KEY,
  PORTFOLIO_STATE_SCHEMA_VERSION,
  PORTFOLIO_STATE_TOPIC,
  portfolioStatePayloadSchema,
} from './topics/portfolio-state.schema';
import {
  PRICE_TICK_KEY,
  PRICE_TICK_SCHEMA_VERSION,
  PRICE_TICK_TOPIC,
  priceTickPayloadSchema,
} from './topics/price-tick.schema';
import {
  PRICES_RAW_KEY,
  PRICES_RAW_SCHEMA_VERSION,
  PRICES_RAW_TOPIC,
  pricesRawPayloadSchema,
} from './topics/prices-raw.schema';
import {
  PRICE_STALE_KEY,
  PRICE_STALE_SCHEMA_VERSION,
  PRICE_STALE_TOPIC,
  priceStalePayloadSchema,
} from './topics/price-stale.schema';
import {
  RISK_ALERT_KEY,
  RISK_ALERT_SCHEMA_VERSION,
  RISK_ALERT_TOPIC,
  riskAlertPayloadSchema,
} from './topics/risk-alert.schema';
import {
  REBALANCE_REQUESTED_KEY,
  REBALANCE_REQUESTED_SCHEMA_VERSION,
  REBALANCE_REQUESTED_TOPIC,
  rebalanceRequestedPayloadSchema,
} from './topics/rebalance-requested.schema';
import {
  REBALANCE_PROPOSED_KEY,
  REBALANCE_PROPOSED_SCHEMA_VERSION,
  REBALANCE_PROPOSED_TOPIC,
  rebalanceProposedPayloadSchema,
} from './topics/rebalance-proposed.schema';
import {
  ORDERS_PROPOSED_KEY,
  ORDERS_PROPOSED_SCHEMA_VERSION,
  ORDERS_PROPOSED_TOPIC,
  ordersProposedPayloadSchema,
} from './topics/orders-proposed.schema';
import {
  ORDERS_APPROVED_KEY,
  ORDERS_APPROVED_SCHEMA_VERSION,
  ORDERS_APPROVED_TOPIC,
  ordersApprovedPayloadSchema,
} from './topics/orders-approved.schema';
import {
  ORDERS_EXECUTED_KEY,
  ORDERS_EXECUTED_SCHEMA_VERSION,
  ORDERS_EXECUTED_TOPIC,
  ordersExecutedPayloadSchema,
} from './topics/orders-executed.schema';
import {
  ORDERS_REJECTED_KEY,
  ORDERS_REJECTED_SCHEMA_VERSION,
  ORDERS_REJECTED_TOPIC,
  ordersRejectedPayloadSchema,
} from './topics/orders-rejected.schema';
import { UnknownTopicError } from './unknown-topic.error';
import { toValidationIssues, type ValidationIssue } from './validation-issue';

/** The payload field whose value is the Kafka record key (and so decides the partition). */
export type PartitionKeyField = 'symbol' | 'portfolioId';

/** Everything producers, consumers and the topic admin need to know about one topic. */
export interface TopicContract<Name extends string = string, Schema extends z.ZodType = z.ZodType> {
  readonly name: Name;
  readonly payloadSchema: Schema;
  readonly schemaVersion: number;
  readonly key: PartitionKeyField;
  /** Log-compacted (latest value per key kept) rather than deleted after retention. */
  readonly compacted: boolean;
  readonly description: string;
}

function defineTopic<const Name extends string, Schema extends z.ZodType>(
  contract: TopicContract<Name, Schema>,
): Readonly<TopicContract<Name, Schema>> {
  return Object.freeze(contract);
}

/**
 * The one list of topics (DESIGN.md, Topics): adding a topic means adding its schema file and an
 * entry here. Dead-letter topics are not listed: there is one per consumer group (see
 * `deadLetterTopicFor`), all carrying `deadLetterSchema`.
 */
export const TOPICS = Object.freeze({
  [PRICES_RAW_TOPIC]: defineTopic({
    name: PRICES_RAW_TOPIC,
    payloadSchema: pricesRawPayloadSchema,
    schemaVersion: PRICES_RAW_SCHEMA_VERSION,
    key: PRICES_RAW_KEY,
    compacted: false,
    description: 'Prices from external feeds, any quality; validated by market-data into price.tick.',
  }),
  [PRICE_TICK_TOPIC]: defineTopic({
    name: PRICE_TICK_TOPIC,
    payloadSchema: priceTickPayloadSchema,
    schemaVersion: PRICE_TICK_SCHEMA_VERSION,
    key: PRICE_TICK_KEY,
    compacted: false,
    description: 'Validated prices from market-data; read by every monitor instance and the api live view.',
  }),
  [PORTFOLIO_STATE_TOPIC]: defineTopic({
    name: PORTFOLIO_STATE_TOPIC,
    payloadSchema: portfolioStatePayloadSchema,
    schemaVersion: PORTFOLIO_STATE_SCHEMA_VERSION,
    key: PORTFOLIO_STATE_KEY,
    compacted: true,
    description:
      'Full portfolio snapshots from the api ledger: accounts, positions, lots, cash, targets, policy, version.',
  }),
  [DRIFT_DETECTED_TOPIC]: defineTopic({
    name: DRIFT_DETECTED_TOPIC,
    payloadSchema: driftDetectedPayloadSchema,
    schemaVersion: DRIFT_DETECTED_SCHEMA_VERSION,
    key: DRIFT_DETECTED_KEY,
    compacted: false,
    description:
      'A portfolio left its drift bands: triggers, drift table, prices used; starts a rebalancing run.',
  }),
  [PRICE_STALE_TOPIC]: defineTopic({
    name: PRICE_STALE_TOPIC,
    payloadSchema: priceStalePayloadSchema,
    schemaVersion: PRICE_STALE_SCHEMA_VERSION,
    key: PRICE_STALE_KEY,
    compacted: false,
    description:
      'A symbol had no price within its allowed age while its market was open; stops proposals that need it.',
  }),
  [RISK_ALERT_TOPIC]: defineTopic({
    name: RISK_ALERT_TOPIC,
    payloadSchema: riskAlertPayloadSchema,
    schemaVersion: RISK_ALERT_SCHEMA_VERSION,
    key: RISK_ALERT_KEY,
    compacted: false,
    description:
      'A portfolio breached a risk limit of its policy (drawdown, volatility, VaR, position weight, tracking error).',
  }),
  [REBALANCE_REQUESTED_TOPIC]: defineTopic({
    name: REBALANCE_REQUESTED_TOPIC,
    payloadSchema: rebalanceRequestedPayloadSchema,
    schemaVersion: REBALANCE_REQUESTED_SCHEMA_VERSION,
    key: REBALANCE_REQUESTED_KEY,
    compacted: false,
    description:
      'A manual or scheduled request to consider rebalancing a portfolio, optionally with a cash flow.',
  }),
  [REBALANCE_PROPOSED_TOPIC]: defineTopic({
    name: REBALANCE_PROPOSED_TOPIC,
    payloadSchema: rebalanceProposedPayloadSchema,
    schemaVersion: REBALANCE_PROPOSED_SCHEMA_VERSION,
    key: REBALANCE_PROPOSED_KEY,
    compacted: false,
    description: 'Scenarios the optimizer scored for a run, the chosen one and its pre-tax trades.',
  }),
  [ORDERS_PROPOSED_TOPIC]: defineTopic({
    name: ORDERS_PROPOSED_TOPIC,
    payloadSchema: ordersProposedPayloadSchema,
    schemaVersion: ORDERS_PROPOSED_SCHEMA_VERSION,
    key: ORDERS_PROPOSED_KEY,
    compacted: false,
    description:
      'Orders after lot selection and wash-sale checks, with the tax impact and whether approval is needed.',
  }),
  [ORDERS_APPROVED_TOPIC]: defineTopic({
    name: ORDERS_APPROVED_TOPIC,
    payloadSchema: ordersApprovedPayloadSchema,
    schemaVersion: ORDERS_APPROVED_SCHEMA_VERSION,
    key: ORDERS_APPROVED_KEY,
    compacted: false,
    description:
      'Approved orders with their derived client order ids, approvers and expiry; what execution sends.',
  }),
  [ORDERS_EXECUTED_TOPIC]: defineTopic({
    name: ORDERS_EXECUTED_TOPIC,
    payloadSchema: ordersExecutedPayloadSchema,
    schemaVersion: ORDERS_EXECUTED_SCHEMA_VERSION,
    key: ORDERS_EXECUTED_KEY,
    compacted: false,
    description:
      'One order reached a final state with fills (price, quantity, fees); the ledger applies them.',
  }),
  [ORDERS_REJECTED_TOPIC]: defineTopic({
    name: ORDERS_REJECTED_TOPIC,
    payloadSchema: ordersRejectedPayloadSchema,
    schemaVersion: ORDERS_REJECTED_SCHEMA_VERSION,
    key: ORDERS_REJECTED_KEY,
    compacted: false,
    description:
      'One order will not be executed: a pre-trade check or the broker refused it, with the reason.',
  }),
});

export type Topics = typeof TOPICS;
export type TopicName = keyof Topics;
/** A topic's payload after parsing (defaults applied). */
export type TopicPayload<Name extends TopicName> = z.output<Topics[Name]['payloadSchema']>;
export type TopicEnvelope<Name extends TopicName> = MessageEnvelope<TopicPayload<Name>>;

export const TOPIC_NAMES: readonly TopicName[] = Object.freeze(Object.keys(TOPICS) as TopicName[]);

/** Whether `name` is a registered topic. Own keys only, so `toString` is not a topic. */
export function isTopicName(name: string): name is TopicName {
  return Object.hasOwn(TOPICS, name);
}

/** The contract of a topic; throws {@link UnknownTopicError} for a topic the registry does not list. */
export function getTopicContract<Name extends TopicName>(name: Name): Topics[Name];
export function getTopicContract(name: string): TopicContract;
export function getTopicContract(name: string): TopicContract {
  if (!isTopicName(name)) {
    throw new UnknownTopicError(name, TOPIC_NAMES);
  }
  return TOPICS[name];
}

/** The registry as one value, for code that is handed "the registry" rather than importing functions. */
export const topicRegistry = Object.freeze({
  topics: TOPICS,
  names: TOPIC_NAMES,
  has: isTopicName,
  get: getTopicContract,
});

/**
 * The Kafka record key for a payload on `topic`: the value of the topic's key field. Throws a
 * `TypeError` only when the types were bypassed and the field is not a string.
 */
export function partitionKeyFor<Name extends TopicName>(topic: Name, payload: TopicPayload<Name>): string {
  const field = getTopicContract(topic).key;
  const value: unknown = (payload as Partial<Record<PartitionKeyField, unknown>>)[field];
  if (typeof value !== 'string') {
    throw new TypeError(`${topic} payload has no string "${field}" to use as its key`);
  }
  return value;
}

const envelopeSchemas = new Map<string, z.ZodType>();

/**
 * The full envelope schema of a topic: its payload schema, and `type` and `schemaVersion` pinned
 * to the topic, so that a message published to the wrong topic, or by a producer on another
 * schema version, is rejected rather than misread.
 */
export function topicEnvelopeSchema<Name extends TopicName>(topic: Name): z.ZodType<TopicEnvelope<Name>>;
export function topicEnvelopeSchema(topic: string): z.ZodType<MessageEnvelope<unknown>>;
export function topicEnvelopeSchema(topic: string): z.ZodType<MessageEnvelope<unknown>> {
  const contract = getTopicContract(topic);
  let schema = envelopeSchemas.get(contract.name);
  if (schema === undefined) {
    schema = envelopeMetadataSchema.extend({
      type: z.literal(contract.name, {
        error: (issue) =>
          `must be "${contract.name}" on topic ${contract.name}, got ${JSON.stringify(issue.input)}`,
      }),
      schemaVersion: z.literal(contract.schemaVersion, {
        error: (issue) =>
          `must be ${contract.schemaVersion} on topic ${contract.name}, got ${JSON.stringify(issue.input)}`,
      }),
      payload: contract.payloadSchema,
    });
    envelopeSchemas.set(contract.name, schema);
  }
  return schema as z.ZodType<MessageEnvelope<unknown>>;
}

/** The outcome of {@link parseMessage}: the typed envelope, or every problem found. */
export type ParseResult<T> = { ok: true; envelope: T } | { ok: false; issues: ValidationIssue[] };

/**
 * Validates a decoded JSON value as a message of `topic`. Never throws for bad input (a consumer
 * dead-letters it with the issues); throws {@link UnknownTopicError} for an unregistered topic,
 * which is a programming error.
 */
export function parseMessage<Name extends TopicName>(
  topic: Name,
  json: unknown,
): ParseResult<TopicEnvelope<Name>>;
export function parseMessage(topic: string, json: unknown): ParseResult<MessageEnvelope<unknown>>;
export function parseMessage(topic: string, json: unknown): ParseResult<MessageEnvelope<unknown>> {
  const result = topicEnvelopeSchema(topic).safeParse(json);
  return result.success
    ? { ok: true, envelope: result.data }
    : { ok: false, issues: toValidationIssues(result.error) };
}
