// For the TypeORM CLI, from the built output, e.g.
//   npx typeorm migration:show -d dist/notification/services/notification/src/data-source.js
// The service itself runs its migrations with `node main.js migrate` (see README).
import { cliDataSource } from '@ballast/platform-database';
import { MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { notificationConfigSchema, NOTIFICATION_SERVICE } from './config/notification.config';
import { NOTIFICATION_MIGRATIONS } from './migrations';

export default cliDataSource(notificationConfigSchema, {
  serviceName: NOTIFICATION_SERVICE,
  entities: [...MESSAGING_ENTITIES],
  migrations: NOTIFICATION_MIGRATIONS,
});
