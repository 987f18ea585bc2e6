import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Transport } from '@nestjs/microservices';
import {
  ORDERS_REJECTED_TOPIC,
  type OrdersRejectedPayload,
  PORTFOLIO_STATE_TOPIC,
  PRICE_STALE_TOPIC,
  PRICE_TICK_TOPIC,
  type PortfolioStatePayload,
  type PriceStalePayload,
  type PriceTickPayload,
} from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { BROADCAST_KAFKA, consumerGroupId, MessageConsumer } from '@ballast/platform-kafka';
import { type MonitorConfig, PORTFOLIO_STATE_GROUP, PRICE_TICK_GROUP } from '../config/monitor.config';
import { DriftMonitorService } from './drift-monitor.service';

/**
 * portfolio.state, price.stale and orders.rejected (shared group: written to the shared schema once)
 * and price.tick (one group per instance: any instance may hold any symbol) into the drift monitor.
 */
@Controller()
export class DriftConsumers {
  private readonly portfolioGroup: string;
  private readonly tickGroup: string;
  private readonly tickDeadLetterGroup: string;

  constructor(
    private readonly consumer: MessageConsumer,
    private readonly monitor: DriftMonitorService,
    @Inject(APP_CONFIG) config: MonitorConfig,
  ) {
    this.portfolioGroup = consumerGroupId(config, PORTFOLIO_STATE_GROUP);
    this.tickGroup = consumerGroupId(config, `${PRICE_TICK_GROUP}-${config.SERVICE_INSTANCE_ID}`);
    this.tickDeadLetterGroup = consumerGroupId(config, PRICE_TICK_GROUP);
  }

  @EventPattern(PORTFOLIO_STATE_TOPIC, Transport.KAFKA)
  async onPortfolioState(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<PortfolioStatePayload>(
      context,
      { consumerGroup: this.portfolioGroup },
      (envelope, manager) => this.monitor.onPortfolioState(manager, envelope.payload, envelope),
    );
  }

  @EventPattern(PRICE_STALE_TOPIC, Transport.KAFKA)
  async onPriceStale(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<PriceStalePayload>(
      context,
      { consumerGroup: this.portfolioGroup },
      (envelope, manager) => this.monitor.onPriceStale(manager, envelope.payload, envelope),
    );
  }

  @EventPattern(ORDERS_REJECTED_TOPIC, Transport.KAFKA)
  async onOrdersRejected(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<OrdersRejectedPayload>(
      context,
      { consumerGroup: this.portfolioGroup },
      (envelope, manager) => this.monitor.onOrdersRejected(manager, envelope.payload, envelope),
    );
  }

  @EventPattern(PRICE_TICK_TOPIC, BROADCAST_KAFKA)
  async onPriceTick(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<PriceTickPayload>(
      context,
      { consumerGroup: this.tickGroup, deadLetterGroup: this.tickDeadLetterGroup },
      (envelope, manager) => this.monitor.onPriceTick(manager, envelope.payload, envelope),
    );
  }
}
