import { Counter, register } from 'prom-client';

/** Service metrics, served at /metrics; labels are bounded (channel, outcome, kind), never a recipient. */
function counter<Label extends string>(
  name: string,
  help: string,
  labelNames: readonly Label[],
): Counter<Label> {
  return (
    (register.getSingleMetric(name) as Counter<Label> | undefined) ?? new Counter({ name, help, labelNames })
  );
}

export const deliveryAttempts = counter(
  'ballast_notification_delivery_attempts_total',
  'Email and webhook attempts by outcome: sent, retry (failed, will be tried again), dead (given up)',
  ['channel', 'outcome'],
);

export const notificationsCreated = counter(
  'ballast_notifications_created_total',
  'Notifications written (one per event and household), by kind; counted inside the consumer transaction, so a retried handler may count one twice',
  ['kind'],
);
