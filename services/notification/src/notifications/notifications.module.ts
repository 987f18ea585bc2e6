import { Module } from '@nestjs/common';
import { SmtpEmailChannel } from '../channels/smtp-email.channel';
import { WebhookChannel } from '../channels/webhook.channel';
import { DeliverySender } from '../delivery/delivery-sender.service';
import { FeedController } from '../feed/feed.controller';
import { InternalTokenGuard } from '../feed/internal-token.guard';
import { PreferencesController } from '../preferences/preferences.controller';
import { PreferencesStore } from '../preferences/preferences.store';
import { NotificationIntakeService } from './notification-intake.service';
import { NotificationSignals } from './notification-signals';
import { NotificationConsumers } from './notification.consumers';

@Module({
  controllers: [NotificationConsumers, FeedController, PreferencesController],
  providers: [
    NotificationIntakeService,
    NotificationSignals,
    PreferencesStore,
    InternalTokenGuard,
    SmtpEmailChannel,
    WebhookChannel,
    DeliverySender,
  ],
})
export class NotificationsModule {}
