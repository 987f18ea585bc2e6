import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Transport } from '@nestjs/microservices';
import { PRICES_RAW_TOPIC, type PricesRawPayload } from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { consumerGroupId, MessageConsumer, UnprocessableMessageError } from '@ballast/platform-kafka';
import { type MarketDataConfig, RAW_PRICES_GROUP } from '../config/market-data.config';
import { type IngestOutcome, PriceIngestService } from './price-ingest.service';
import { validateRawPrice } from './raw-price.validator';

/**
 * prices.raw -> price.tick. Feeds outside Ballast may send bare JSON without the envelope.
 * Invalid prices and out-of-order timestamps are dead-lettered with the reason; exact duplicates
 * are dropped; nothing blocks the partition.
 */
@Controller()
export class PricesRawConsumer {
  private readonly logger = new Logger(PricesRawConsumer.name);
  private readonly group: string;

  constructor(
    private readonly consumer: MessageConsumer,
    private readonly ingest: PriceIngestService,
    @Inject(APP_CONFIG) config: MarketDataConfig,
  ) {
    this.group = consumerGroupId(config, RAW_PRICES_GROUP);
  }

  @EventPattern(PRICES_RAW_TOPIC, Transport.KAFKA)
  async onRawPrice(@Ctx() context: KafkaContext): Promise<void> {
    let outcome: IngestOutcome | undefined;
    const result = await this.consumer.consume<PricesRawPayload>(
      context,
      { consumerGroup: this.group, acceptBarePayload: true },
      async (envelope, manager) => {
        const verdict = validateRawPrice(envelope.payload, Date.now());
        if (!verdict.ok) throw new UnprocessableMessageError(verdict.reason);
        outcome = await this.ingest.accept(manager, verdict.tick, {
          correlationId: envelope.correlationId,
          causationId: envelope.id,
        });
        if (outcome.kind === 'rejected') throw new UnprocessableMessageError(outcome.reason);
      },
    );
    if (result === 'handled' && outcome !== undefined) {
      if (outcome.kind === 'duplicate')
        this.logger.log(`duplicate price of ${outcome.tick.symbol} at ${outcome.tick.asOf} dropped`);
      await this.ingest.afterCommit([outcome]);
    }
  }
}
