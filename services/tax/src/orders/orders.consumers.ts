import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Transport } from '@nestjs/microservices';
import {
  PORTFOLIO_STATE_TOPIC,
  type PortfolioStatePayload,
  REBALANCE_PROPOSED_TOPIC,
  type RebalanceProposedPayload,
} from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { consumerGroupId, MessageConsumer } from '@ballast/platform-kafka';
import { PORTFOLIO_STATE_GROUP, PROPOSAL_GROUP, PROPOSAL_KAFKA, type TaxConfig } from '../config/tax.config';
import { OrdersService } from './orders.service';

/** portfolio.state (group tax-state) and rebalance.proposed (group tax) into the orders service. */
@Controller()
export class OrdersConsumers {
  private readonly stateGroup: string;
  private readonly proposalGroup: string;

  constructor(
    private readonly consumer: MessageConsumer,
    private readonly orders: OrdersService,
    @Inject(APP_CONFIG) config: TaxConfig,
  ) {
    this.stateGroup = consumerGroupId(config, PORTFOLIO_STATE_GROUP);
    this.proposalGroup = consumerGroupId(config, PROPOSAL_GROUP);
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
}
