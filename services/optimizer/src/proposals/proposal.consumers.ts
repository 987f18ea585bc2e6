import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Transport } from '@nestjs/microservices';
import {
  DRIFT_DETECTED_TOPIC,
  type DriftDetectedPayload,
  PORTFOLIO_STATE_TOPIC,
  type PortfolioStatePayload,
  REBALANCE_REQUESTED_TOPIC,
  type RebalanceRequestedPayload,
} from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { consumerGroupId, MessageConsumer } from '@ballast/platform-kafka';
import {
  type OptimizerConfig,
  PORTFOLIO_STATE_GROUP,
  RUN_GROUP,
  RUN_KAFKA,
} from '../config/optimizer.config';
import { ProposalService } from './proposal.service';

/** portfolio.state (group optimizer-state); drift.detected and rebalance.requested (group optimizer). */
@Controller()
export class ProposalConsumers {
  private readonly stateGroup: string;
  private readonly runGroup: string;

  constructor(
    private readonly consumer: MessageConsumer,
    private readonly proposals: ProposalService,
    @Inject(APP_CONFIG) config: OptimizerConfig,
  ) {
    this.stateGroup = consumerGroupId(config, PORTFOLIO_STATE_GROUP);
    this.runGroup = consumerGroupId(config, RUN_GROUP);
  }

  @EventPattern(PORTFOLIO_STATE_TOPIC, Transport.KAFKA)
  async onPortfolioState(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<PortfolioStatePayload>(
      context,
      { consumerGroup: this.stateGroup },
      (envelope, manager) => this.proposals.onPortfolioState(manager, envelope.payload),
    );
  }

  @EventPattern(DRIFT_DETECTED_TOPIC, RUN_KAFKA)
  async onDriftDetected(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<DriftDetectedPayload>(
      context,
      { consumerGroup: this.runGroup },
      async (envelope, manager) => {
        await this.proposals.onDriftDetected(manager, envelope.payload, envelope);
      },
    );
  }

  @EventPattern(REBALANCE_REQUESTED_TOPIC, RUN_KAFKA)
  async onRebalanceRequested(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<RebalanceRequestedPayload>(
      context,
      { consumerGroup: this.runGroup },
      async (envelope, manager) => {
        await this.proposals.onRebalanceRequested(manager, envelope.payload, envelope);
      },
    );
  }
}
