import { Injectable, Logger } from '@nestjs/common';
import {
  DRIFT_DETECTED_TOPIC,
  type DriftDetectedPayload,
  type MessageEnvelope,
  ORDERS_EXECUTED_TOPIC,
  ORDERS_PROPOSED_TOPIC,
  ORDERS_REJECTED_TOPIC,
  type OrdersExecutedPayload,
  type OrdersProposedPayload,
  type OrdersRejectedPayload,
  parseMessage,
  type PortfolioStatePayload,
  type PriceStalePayload,
  RISK_ALERT_TOPIC,
  type RiskAlertPayload,
} from '@ballast/contracts';
import { UnprocessableMessageError } from '@ballast/platform-kafka';
import { type EntityManager } from 'typeorm';
import { notificationsCreated } from '../delivery/delivery.metrics';
import { PreferencesStore } from '../preferences/preferences.store';
import { channelsFor } from '../preferences/preferences';
import {
  approvalRequiredContent,
  driftContent,
  type NotificationContent,
  orderExecutedContent,
  orderRejectedContent,
  type PortfolioRef,
  priceStaleContent,
  riskAlertContent,
} from './notification-content';
import { NotificationSignals } from './notification-signals';

/** The topics keyed by portfolio whose messages are about one portfolio (and so one household). */
export type PortfolioTopic =
  | typeof DRIFT_DETECTED_TOPIC
  | typeof ORDERS_PROPOSED_TOPIC
  | typeof ORDERS_EXECUTED_TOPIC
  | typeof ORDERS_REJECTED_TOPIC
  | typeof RISK_ALERT_TOPIC;

interface DirectoryEntry extends PortfolioRef {
  householdId: string;
}

/**
 * Turns consumed events into notification rows and delivery rows, inside the consumer's
 * transaction (the one that writes the inbox row): a redelivered message finds its inbox row and
 * has no effect, so it never produces a second notification or a second delivery.
 */
@Injectable()
export class NotificationIntakeService {
  private readonly logger = new Logger(NotificationIntakeService.name);

  constructor(
    private readonly preferences: PreferencesStore,
    private readonly signals: NotificationSignals,
  ) {}

  /**
   * Keeps the directory (portfolio -> household, name, symbols) at the newest version, then handles
   * the events that arrived before this portfolio's first snapshot.
   */
  async onPortfolioState(manager: EntityManager, state: PortfolioStatePayload): Promise<void> {
    const symbols = new Set<string>(state.targets.map((target) => target.symbol));
    for (const account of state.accounts) {
      for (const position of account.positions) symbols.add(position.symbol);
    }
    await manager.query(
      `INSERT INTO portfolio_directory (portfolio_id, household_id, name, version, symbols, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (portfolio_id) DO UPDATE
         SET household_id = EXCLUDED.household_id, name = EXCLUDED.name, version = EXCLUDED.version,
             symbols = EXCLUDED.symbols, updated_at = now()
       WHERE portfolio_directory.version <= EXCLUDED.version`,
      [state.portfolioId, state.householdId, state.name, state.version, [...symbols].sort()],
    );
    // A CTE, so that the rows come back in order (and as rows: TypeORM returns [rows, count] for a bare DELETE).
    const parked = await manager.query<{ topic: PortfolioTopic; envelope: unknown }[]>(
      `WITH gone AS (DELETE FROM parked_event WHERE portfolio_id = $1 RETURNING topic, envelope, parked_at)
       SELECT topic, envelope FROM gone ORDER BY parked_at`,
      [state.portfolioId],
    );
    for (const row of parked) {
      const parsed = parseMessage(row.topic, row.envelope);
      if (!parsed.ok) {
        // It was valid when parked; only a contract change in between could get here.
        throw new UnprocessableMessageError(
          `parked ${row.topic} message no longer matches its schema: ${JSON.stringify(parsed.issues)}`,
        );
      }
      this.logger.log(
        `handling parked ${row.topic} ${parsed.envelope.id} for portfolio ${state.portfolioId}`,
      );
      await this.onPortfolioEvent(manager, row.topic, parsed.envelope);
    }
  }

  /** drift.detected, orders.proposed, orders.executed, orders.rejected and risk.alert. */
  async onPortfolioEvent(
    manager: EntityManager,
    topic: PortfolioTopic,
    envelope: MessageEnvelope<unknown>,
  ): Promise<void> {
    const portfolioId = (envelope.payload as { portfolioId: string }).portfolioId;
    const entry = await this.directoryEntry(manager, portfolioId);
    if (entry === undefined) {
      // No portfolio.state yet (a new consumer group reads both topics at once): keep it until the
      // snapshot says whose it is, rather than dead-lettering a good message over an ordering race.
      await manager.query(
        `INSERT INTO parked_event (message_id, portfolio_id, topic, envelope) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING`,
        [envelope.id, portfolioId, topic, JSON.stringify(envelope)],
      );
      this.logger.warn(`${topic} ${envelope.id}: portfolio ${portfolioId} not known yet, parked`);
      return;
    }
    const content = this.contentOf(topic, envelope.payload, entry);
    if (content === undefined) return;
    await this.notify(manager, entry.householdId, portfolioId, content, topic, envelope);
  }

  /** price.stale: one notification per household holding or targeting the symbol. */
  async onPriceStale(
    manager: EntityManager,
    topic: string,
    envelope: MessageEnvelope<PriceStalePayload>,
  ): Promise<void> {
    const rows = await manager.query<{ portfolio_id: string; household_id: string; name: string }[]>(
      `SELECT portfolio_id, household_id, name FROM portfolio_directory WHERE symbols @> ARRAY[$1]::text[]
       ORDER BY household_id, name`,
      [envelope.payload.symbol],
    );
    const byHousehold = new Map<string, PortfolioRef[]>();
    for (const row of rows) {
      const list = byHousehold.get(row.household_id) ?? [];
      list.push({ portfolioId: row.portfolio_id, name: row.name });
      byHousehold.set(row.household_id, list);
    }
    for (const [householdId, portfolios] of byHousehold) {
      const portfolioId = portfolios.length === 1 ? (portfolios[0]?.portfolioId ?? null) : null;
      await this.notify(
        manager,
        householdId,
        portfolioId,
        priceStaleContent(envelope.payload, portfolios),
        topic,
        envelope,
      );
    }
  }

  private contentOf(
    topic: PortfolioTopic,
    payload: unknown,
    portfolio: PortfolioRef,
  ): NotificationContent | undefined {
    switch (topic) {
      case DRIFT_DETECTED_TOPIC:
        return driftContent(payload as DriftDetectedPayload, portfolio);
      case ORDERS_PROPOSED_TOPIC: {
        const proposed = payload as OrdersProposedPayload;
        // Approved by policy: nobody needs to act, the execution will be notified.
        return proposed.approval.required ? approvalRequiredContent(proposed, portfolio) : undefined;
      }
      case ORDERS_EXECUTED_TOPIC:
        return orderExecutedContent(payload as OrdersExecutedPayload, portfolio);
      case ORDERS_REJECTED_TOPIC:
        return orderRejectedContent(payload as OrdersRejectedPayload, portfolio);
      case RISK_ALERT_TOPIC:
        return riskAlertContent(payload as RiskAlertPayload, portfolio);
    }
  }

  private async directoryEntry(
    manager: EntityManager,
    portfolioId: string,
  ): Promise<DirectoryEntry | undefined> {
    const rows = await manager.query<{ household_id: string; name: string }[]>(
      `SELECT household_id, name FROM portfolio_directory WHERE portfolio_id = $1`,
      [portfolioId],
    );
    const row = rows[0];
    return row === undefined ? undefined : { portfolioId, householdId: row.household_id, name: row.name };
  }

  /**
   * The notification row (the in-app feed entry when in-app is routed) and one delivery row per
   * outbound channel and recipient, keyed by (source message id, channel, recipient).
   */
  private async notify(
    manager: EntityManager,
    householdId: string,
    portfolioId: string | null,
    content: NotificationContent,
    topic: string,
    envelope: MessageEnvelope<unknown>,
  ): Promise<void> {
    const preferences = await this.preferences.get(manager, householdId);
    const channels = channelsFor(preferences, content.kind);
    if (channels.length === 0) return;
    const inApp = channels.includes('in-app');
    const inserted = await manager.query<{ id: string }[]>(
      `INSERT INTO notification (household_id, portfolio_id, kind, title, body, facts, in_app, source_topic,
                                 source_message_id, correlation_id, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (source_message_id, household_id) DO NOTHING RETURNING id`,
      [
        householdId,
        portfolioId,
        content.kind,
        content.title,
        content.text,
        JSON.stringify(content.facts),
        inApp,
        topic,
        envelope.id,
        envelope.correlationId,
        envelope.occurredAt,
      ],
    );
    const notificationId = inserted[0]?.id;
    if (notificationId === undefined) return;
    notificationsCreated.inc({ kind: content.kind });
    const recipients: { channel: 'email' | 'webhook'; recipient: string }[] = [];
    if (channels.includes('email')) {
      recipients.push(
        ...preferences.emailRecipients.map((recipient) => ({ channel: 'email' as const, recipient })),
      );
    }
    if (channels.includes('webhook') && preferences.webhookUrl !== null) {
      recipients.push({ channel: 'webhook', recipient: preferences.webhookUrl });
    }
    let deliveries = 0;
    for (const { channel, recipient } of recipients) {
      const created = await manager.query<unknown[]>(
        `INSERT INTO notification_delivery (notification_id, source_message_id, channel, recipient)
         VALUES ($1, $2, $3, $4) ON CONFLICT (source_message_id, channel, recipient) DO NOTHING RETURNING id`,
        [notificationId, envelope.id, channel, recipient],
      );
      deliveries += created.length;
    }
    await this.signals.announce(manager, { id: notificationId, householdId, inApp, deliveries });
  }
}
