// For the TypeORM CLI, from the built output, e.g.
//   npx typeorm migration:show -d dist/api/services/api/src/data-source.js
// The service itself runs its migrations with `node main.js migrate` (see README).
import { cliDataSource } from '@ballast/platform-database';
import { apiConfigSchema, API_SERVICE } from './config/api.config';
import { API_ENTITIES } from './entities';
import { API_MIGRATIONS } from './migrations';

export default cliDataSource(apiConfigSchema, {
  serviceName: API_SERVICE,
  entities: API_ENTITIES,
  migrations: API_MIGRATIONS,
});
