import {
  booleanString,
  commonEnv,
  databaseEnv,
  kafkaEnv,
  port,
  requireSaslCredentials,
} from '@ballast/platform-config';
import { z } from 'zod';

/** Environment of the notification service; validated at boot (see README for each variable). */
export const notificationConfigSchema = z
  .object({
    ...commonEnv,
    ...kafkaEnv,
    ...databaseEnv,
    /**
     * Bearer token required on the preference and feed routes (`Authorization: Bearer <token>`).
     * The api service owns user identity; this service trusts its callers inside the cluster and
     * this shared token keeps everyone else out. Unset: the routes are open, for a cluster-internal
     * Service that nothing outside the cluster can reach (see README, Authentication).
     */
    NOTIFICATION_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** SMTP relay for email. Unset: email is disabled and deliveries to it are dead-lettered with that reason. */
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: port.default(587),
    /** Implicit TLS from the first byte (port 465). false: plain, upgraded by STARTTLS when the relay offers it. */
    SMTP_SECURE: booleanString.default(false),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASSWORD: z.string().min(1).optional(),
    SMTP_FROM: z.string().min(3).default('Ballast <notifications@ballast.invalid>'),
    /** Attempts per delivery (email or webhook) before it is dead-lettered. */
    DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(6),
    /** First retry delay; each next one doubles, capped by DELIVERY_BACKOFF_MAX_MS, with jitter. */
    DELIVERY_BACKOFF_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(2_000),
    DELIVERY_BACKOFF_MAX_MS: z.coerce.number().int().min(1).max(86_400_000).default(600_000),
    /** How long one webhook POST or SMTP conversation may take before it counts as a failed attempt. */
    DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /**
     * How often the sender looks for due deliveries when nothing woke it. New deliveries wake it at
     * once (PostgreSQL NOTIFY on commit); the poll picks up retries whose time has come.
     */
    DELIVERY_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
  })
  .superRefine(requireSaslCredentials)
  .superRefine((config, context) => {
    if ((config.SMTP_USER === undefined) !== (config.SMTP_PASSWORD === undefined)) {
      context.addIssue({
        code: 'custom',
        path: [config.SMTP_USER === undefined ? 'SMTP_USER' : 'SMTP_PASSWORD'],
        message: 'SMTP_USER and SMTP_PASSWORD are set together (or neither, for a relay without auth)',
      });
    }
    if (config.DELIVERY_BACKOFF_MAX_MS < config.DELIVERY_BACKOFF_BASE_MS) {
      context.addIssue({
        code: 'custom',
        path: ['DELIVERY_BACKOFF_MAX_MS'],
        message: 'must be at least DELIVERY_BACKOFF_BASE_MS',
      });
    }
  });

export type NotificationConfig = z.infer<typeof notificationConfigSchema>;
export const NOTIFICATION_SERVICE = 'notification';
/**
 * The one consumer group of every topic this service reads: replicas split the partitions. Its
 * dead-letter topic `notification.dlq` receives bad messages and deliveries given up on.
 */
export const NOTIFICATION_GROUP = 'notification';
