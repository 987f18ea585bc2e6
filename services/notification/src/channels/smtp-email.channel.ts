import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '@ballast/platform-config';
import { createTransport, type Transporter } from 'nodemailer';
import { type NotificationConfig } from '../config/notification.config';
import { isRetryableSmtpCode } from '../delivery/retry-policy';
import { type NotificationChannel, type OutgoingNotification, type SendResult } from './channel';

/**
 * Email through an SMTP relay with nodemailer: one message per recipient, so that one bad address
 * fails (and is retried or dead-lettered) on its own. The subject is the notification's title, the
 * plain-text body its text.
 */
@Injectable()
export class SmtpEmailChannel implements NotificationChannel, OnApplicationShutdown {
  private readonly transport: Transporter | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: NotificationConfig) {
    this.transport =
      config.SMTP_HOST === undefined
        ? undefined
        : createTransport({
            host: config.SMTP_HOST,
            port: config.SMTP_PORT,
            secure: config.SMTP_SECURE,
            ...(config.SMTP_USER !== undefined && config.SMTP_PASSWORD !== undefined
              ? { auth: { user: config.SMTP_USER, pass: config.SMTP_PASSWORD } }
              : {}),
            connectionTimeout: config.DELIVERY_TIMEOUT_MS,
            greetingTimeout: config.DELIVERY_TIMEOUT_MS,
            socketTimeout: config.DELIVERY_TIMEOUT_MS,
          });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }

  async send(notification: OutgoingNotification): Promise<SendResult> {
    if (this.transport === undefined) {
      return { ok: false, retryable: false, error: 'email is not configured (SMTP_HOST is unset)' };
    }
    try {
      await this.transport.sendMail({
        from: this.config.SMTP_FROM,
        to: notification.recipient,
        subject: `[Ballast] ${notification.title}`,
        text: `${notification.text}\n\n-- \nBallast notification ${notification.notificationId} (${notification.kind}), event ${notification.sourceMessageId}\n`,
        headers: {
          'X-Ballast-Notification': notification.notificationId,
          'X-Ballast-Delivery': notification.deliveryId,
        },
      });
      return { ok: true };
    } catch (error) {
      const smtp = error as Error & { responseCode?: number; code?: string };
      return {
        ok: false,
        retryable: isRetryableSmtpCode(smtp.responseCode),
        error: `SMTP ${smtp.responseCode ?? smtp.code ?? 'error'}: ${smtp.message}`,
      };
    }
  }
}
