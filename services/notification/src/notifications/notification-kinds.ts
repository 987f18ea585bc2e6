/**
 * What a household can be told about, one kind per consumed event (orders.proposed only when a
 * person must approve). Preferences route each kind to channels.
 */
export const NOTIFICATION_KINDS = [
  'drift',
  'approval-required',
  'order-executed',
  'order-rejected',
  'risk-alert',
  'price-stale',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** In-app is the feed (always written when routed); email and webhook are sent by the delivery sender. */
export const CHANNELS = ['in-app', 'email', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];
/** The channels that leave the service and so have delivery rows with attempts. */
export type OutboundChannel = Exclude<Channel, 'in-app'>;
