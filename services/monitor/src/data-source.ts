// For the TypeORM CLI, from the built output, e.g.
//   npx typeorm migration:show -d dist/monitor/services/monitor/src/data-source.js
// The service itself runs its migrations with `node main.js migrate` (see README).
import { cliDataSource } from '@ballast/platform-database';
import { MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { monitorConfigSchema, MONITOR_SERVICE } from './config/monitor.config';
import { MONITOR_ENTITIES } from './drift/monitor.entities';
import { MONITOR_MIGRATIONS } from './migrations';

export default cliDataSource(monitorConfigSchema, {
  serviceName: MONITOR_SERVICE,
  entities: [...MESSAGING_ENTITIES, ...MONITOR_ENTITIES],
  migrations: MONITOR_MIGRATIONS,
});
