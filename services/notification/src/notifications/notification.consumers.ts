import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Transport } from '@nestjs/microservices';
import {
  DRIFT_DETECTED_TOPIC,
  ORDERS_EXECUTED_TOPIC,
  ORDERS_PROPOSED_TOPIC,
  ORDERS_REJECTED_TOPIC,
  PORTFOLIO_STATE_TOPIC,
  type PortfolioStatePayload,
  PRICE_STALE_TOPIC,
  type PriceStalePayload,
  RISK_ALERT_TOPIC,
} from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { consumerGroupId, MessageConsumer } from '@ballast/platform-kafka';
import { NOTIFICATION_GROUP, type NotificationConfig } from '../config/notification.config';
import { NotificationIntakeService, type PortfolioTopic } from './notification-intake.service';

/**
 * Every consumed topic, one consumer group. Each message goes through MessageConsumer: schema
 * failures to `notification.dlq`, the handler's writes in one transaction with the inbox row.
 */
@Controller()
export class NotificationConsumers {
  private readonly group: string;

  constructor(
    private readonly consumer: MessageConsumer,
    private readonly intake: NotificationIntakeService,
    @Inject(APP_CONFIG) config: NotificationConfig,
  ) {
    this.group = consumerGroupId(config, NOTIFICATION_GROUP);
  }

  @EventPattern(PORTFOLIO_STATE_TOPIC, Transport.KAFKA)
  async onPortfolioState(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<PortfolioStatePayload>(
      context,
      { consumerGroup: this.group },
      (envelope, manager) => this.intake.onPortfolioState(manager, envelope.payload),
    );
  }

  @EventPattern(DRIFT_DETECTED_TOPIC, Transport.KAFKA)
  async onDriftDetected(@Ctx() context: KafkaContext): Promise<void> {
    await this.portfolioEvent(DRIFT_DETECTED_TOPIC, context);
  }

  @EventPattern(ORDERS_PROPOSED_TOPIC, Transport.KAFKA)
  async onOrdersProposed(@Ctx() context: KafkaContext): Promise<void> {
    await this.portfolioEvent(ORDERS_PROPOSED_TOPIC, context);
  }

  @EventPattern(ORDERS_EXECUTED_TOPIC, Transport.KAFKA)
  async onOrdersExecuted(@Ctx() context: KafkaContext): Promise<void> {
    await this.portfolioEvent(ORDERS_EXECUTED_TOPIC, context);
  }

  @EventPattern(ORDERS_REJECTED_TOPIC, Transport.KAFKA)
  async onOrdersRejected(@Ctx() context: KafkaContext): Promise<void> {
    await this.portfolioEvent(ORDERS_REJECTED_TOPIC, context);
  }

  @EventPattern(RISK_ALERT_TOPIC, Transport.KAFKA)
  async onRiskAlert(@Ctx() context: KafkaContext): Promise<void> {
    await this.portfolioEvent(RISK_ALERT_TOPIC, context);
  }

  @EventPattern(PRICE_STALE_TOPIC, Transport.KAFKA)
  async onPriceStale(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<PriceStalePayload>(
      context,
      { consumerGroup: this.group },
      (envelope, manager) => this.intake.onPriceStale(manager, PRICE_STALE_TOPIC, envelope),
    );
  }

  private async portfolioEvent(topic: PortfolioTopic, context: KafkaContext): Promise<void> {
    await this.consumer.consume<unknown>(context, { consumerGroup: this.group }, (envelope, manager) =>
      this.intake.onPortfolioEvent(manager, topic, envelope),
    );
  }
}
