import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Transport } from '@nestjs/microservices';
import {
  ORDERS_APPROVED_TOPIC,
  type OrdersApprovedPayload,
  PORTFOLIO_STATE_TOPIC,
  type PortfolioStatePayload,
  PRICE_TICK_TOPIC,
  type PriceTickPayload,
} from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { consumerGroupId, MessageConsumer } from '@ballast/platform-kafka';
import { EXECUTION_GROUP, EXECUTION_PRICES_GROUP, type ExecutionConfig } from '../config/execution.config';
import { ExecutionIntakeService } from './execution-intake.service';

/** Transport id of the price.tick server: its own consumer group, so ticks never queue behind approvals. */
export const PRICES_KAFKA = Symbol('kafka-execution-prices');

/**
 * orders.approved and portfolio.state (group `execution`), price.tick (group `execution-prices`):
 * thin handlers, each message in one transaction with its inbox row; schema failures go to the
 * group's dead-letter topic.
 */
@Controller()
export class ExecutionConsumers {
  private readonly group: string;
  private readonly pricesGroup: string;

  constructor(
    private readonly consumer: MessageConsumer,
    private readonly intake: ExecutionIntakeService,
    @Inject(APP_CONFIG) config: ExecutionConfig,
  ) {
    this.group = consumerGroupId(config, EXECUTION_GROUP);
    this.pricesGroup = consumerGroupId(config, EXECUTION_PRICES_GROUP);
  }

  @EventPattern(ORDERS_APPROVED_TOPIC, Transport.KAFKA)
  async onOrdersApproved(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<OrdersApprovedPayload>(
      context,
      { consumerGroup: this.group },
      (envelope, manager) => this.intake.onOrdersApproved(manager, envelope.payload, envelope),
    );
  }

  @EventPattern(PORTFOLIO_STATE_TOPIC, Transport.KAFKA)
  async onPortfolioState(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<PortfolioStatePayload>(
      context,
      { consumerGroup: this.group },
      (envelope, manager) => this.intake.onPortfolioState(manager, envelope.payload),
    );
  }

  @EventPattern(PRICE_TICK_TOPIC, PRICES_KAFKA)
  async onPriceTick(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<PriceTickPayload>(
      context,
      { consumerGroup: this.pricesGroup },
      (envelope, manager) => this.intake.onPriceTick(manager, envelope.payload),
    );
  }
}
