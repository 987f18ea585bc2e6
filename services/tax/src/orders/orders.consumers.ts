import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Transport } from '@nestjs/microservices';
import {
  ORDERS_REJECTED_TOPIC,
  type OrdersRejectedPayload,
  PORTFOLIO_STATE_TOPIC,
  type PortfolioStatePayload,
  REBALANCE_PROPOSED_TOPIC,
  type RebalanceProposedPayload,
} from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { consumerGroupId, MessageConsumer } from '@ballast/platform-kafka';
import {
  PORTFOLIO_STATE_GROUP,
  PROPOSAL_GROUP,
  PROPOSAL_KAFKA,
  REJECTION_GROUP,
  REJECTION_KAFKA,
  type TaxConfig,
} from '../config/tax.config';
import { OrdersService } from './orders.service';

/**
 * portfolio.state (group tax-state), rebalance.proposed (group tax) and orders.rejected (group
 * tax-rejections) into the orders service; each group dead-letters to its own `<group>.dlq`.
 */
@Controller()
export class OrdersConsumers {
  private readonly stateGroup: string;
  private readonly proposalGroup: string;
  private readonly rejectionGroup: string;

  constructor(
    private readonly consumer: MessageConsumer,
    private readonly orders: OrdersService,
    @Inject(APP_CONFIG) config: TaxConfig,
  ) {
    this.stateGroup = consumerGroupId(config, PORTFOLIO_STATE_GROUP);
    this.proposalGroup = consumerGroupId(config, PROPOSAL_GROUP);
    this.rejectionGroup = consumerGroupId(config, REJECTION_GROUP);
  }

  @EventPattern(PORTFOLIO_STATE_TOPIC, Transport.KAFKA)
  async onPortfolioState(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<PortfolioStatePayload>(
      context,
      { consumerGroup: this.stateGroup },
      (envelope, manager) => this.orders.onPortfolioState(manager, envelope.payload),
    );
  }

  @EventPattern(REBALANCE_PROPOSED_TOPIC, PROPOSAL_KAFKA)
  async onRebalanceProposed(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<RebalanceProposedPayload>(
      context,
      { consumerGroup: this.proposalGroup },
      async (envelope, manager) => {
        await this.orders.onRebalanceProposed(manager, envelope.payload, envelope);
      },
    );
  }

  @EventPattern(ORDERS_REJECTED_TOPIC, REJECTION_KAFKA)
  async onOrdersRejected(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<OrdersRejectedPayload>(
      context,
      { consumerGroup: this.rejectionGroup },
      (envelope, manager) => this.orders.onOrdersRejected(manager, envelope.payload),
    );
  }
}
