import { CreateMessagingTables1763800000000 } from '@ballast/platform-kafka';
import { CreateNotificationTables1763800000600 } from './1763800000600-create-notification-tables';

/** Every migration of the notification schema, oldest first. */
export const NOTIFICATION_MIGRATIONS = [
  CreateMessagingTables1763800000000,
  CreateNotificationTables1763800000600,
];
