// For the TypeORM CLI, from the built output, e.g.
//   npx typeorm migration:show -d dist/api/services/api/src/data-source.js
// The service itself runs its migrations with `node main.js migrate` (see README).
import { cliDataSource } from '@ballast/platform-database';
import { MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { apiConfigSchema, API_SERVICE } from './config/api.config';
import { Portfolio } from './portfolios/portfolio.entity';
import { API_MIGRATIONS } from './migrations';

export default cliDataSource(apiConfigSchema, {
  serviceName: API_SERVICE,
  entities: [...MESSAGING_ENTITIES, Portfolio],
  migrations: API_MIGRATIONS,
});
