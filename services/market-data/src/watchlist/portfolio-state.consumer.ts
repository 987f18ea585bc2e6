import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { PORTFOLIO_STATE_TOPIC, type PortfolioStatePayload } from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { consumerGroupId, MessageConsumer } from '@ballast/platform-kafka';
import {
  type MarketDataConfig,
  PORTFOLIO_SYMBOLS_GROUP,
  PORTFOLIO_SYMBOLS_KAFKA,
} from '../config/market-data.config';
import { type WatchUpdate, WatchlistService } from './watchlist.service';

/**
 * portfolio.state (group market-data-portfolios, from the beginning of the compacted topic) into the
 * watch list. A message that is not a valid portfolio.state is dead-lettered by the consumer runner
 * (`market-data-portfolios.dlq`, with the schema issues) and the partition moves on.
 */
@Controller()
export class PortfolioStateConsumer {
  private readonly logger = new Logger(PortfolioStateConsumer.name);
  private readonly group: string;

  constructor(
    private readonly consumer: MessageConsumer,
    private readonly watchlist: WatchlistService,
    @Inject(APP_CONFIG) config: MarketDataConfig,
  ) {
    this.group = consumerGroupId(config, PORTFOLIO_SYMBOLS_GROUP);
  }

  @EventPattern(PORTFOLIO_STATE_TOPIC, PORTFOLIO_SYMBOLS_KAFKA)
  async onPortfolioState(@Ctx() context: KafkaContext): Promise<void> {
    let update: WatchUpdate | undefined;
    let portfolioId = '';
    const result = await this.consumer.consume<PortfolioStatePayload>(
      context,
      { consumerGroup: this.group },
      async (envelope, manager) => {
        portfolioId = envelope.payload.portfolioId;
        update = await this.watchlist.applyState(manager, envelope.payload);
      },
    );
    if (result !== 'handled' || update === undefined) return;
    if (update.kind === 'older') {
      this.logger.log(`portfolio ${portfolioId}: an older version than v${update.heldVersion} ignored`);
      return;
    }
    this.watchlist.changed(portfolioId, update);
  }
}
