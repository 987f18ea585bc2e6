import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Transport } from '@nestjs/microservices';
import {
  ORDERS_EXECUTED_TOPIC,
  ORDERS_PROPOSED_TOPIC,
  ORDERS_REJECTED_TOPIC,
  type OrdersExecutedPayload,
  type OrdersProposedPayload,
  type OrdersRejectedPayload,
  PRICE_TICK_TOPIC,
  type PriceTickPayload,
} from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { consumerGroupId, MessageConsumer } from '@ballast/platform-kafka';
import { type ApiConfig, ORDERS_GROUP, PRICE_TICK_GROUP } from '../config/api.config';
import { ApprovalsService } from './approvals.service';
import { FillsService } from './fills.service';
import { PRICE_TICK_KAFKA } from './kafka-transports';

/**
 * Thin handlers: MessageConsumer validates, dead-letters, retries and deduplicates (inbox); the
 * services do the work in its transaction. orders.* share the `api` group (replicas split the
 * portfolios); price.tick has its own group so that a burst of ticks never delays an approval.
 */
@Controller()
export class ApprovalsConsumers {
  private readonly ordersGroup: string;
  private readonly priceGroup: string;

  constructor(
    private readonly consumer: MessageConsumer,
    private readonly approvals: ApprovalsService,
    private readonly fills: FillsService,
    @Inject(APP_CONFIG) config: ApiConfig,
  ) {
    this.ordersGroup = consumerGroupId(config, ORDERS_GROUP);
    this.priceGroup = consumerGroupId(config, PRICE_TICK_GROUP);
  }

  @EventPattern(ORDERS_PROPOSED_TOPIC, Transport.KAFKA)
  async onOrdersProposed(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<OrdersProposedPayload>(
      context,
      { consumerGroup: this.ordersGroup },
      (envelope, manager) => this.approvals.onOrdersProposed(manager, envelope.payload, envelope),
    );
  }

  @EventPattern(ORDERS_EXECUTED_TOPIC, Transport.KAFKA)
  async onOrdersExecuted(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<OrdersExecutedPayload>(
      context,
      { consumerGroup: this.ordersGroup },
      (envelope, manager) => this.fills.onOrdersExecuted(manager, envelope.payload, envelope),
    );
  }

  @EventPattern(ORDERS_REJECTED_TOPIC, Transport.KAFKA)
  async onOrdersRejected(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<OrdersRejectedPayload>(
      context,
      { consumerGroup: this.ordersGroup },
      (envelope, manager) => this.fills.onOrdersRejected(manager, envelope.payload),
    );
  }

  @EventPattern(PRICE_TICK_TOPIC, PRICE_TICK_KAFKA)
  async onPriceTick(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<PriceTickPayload>(
      context,
      { consumerGroup: this.priceGroup },
      (envelope, manager) => this.approvals.onPriceTick(manager, envelope.payload),
    );
  }
}
