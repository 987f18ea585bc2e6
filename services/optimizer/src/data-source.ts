// For the TypeORM CLI, from the built output, e.g.
//   npx typeorm migration:show -d dist/optimizer/services/optimizer/src/data-source.js
// The service itself runs its migrations with `node main.js migrate` (see README).
import { cliDataSource } from '@ballast/platform-database';
import { MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { OPTIMIZER_SERVICE, optimizerConfigSchema } from './config/optimizer.config';
import { OPTIMIZER_MIGRATIONS } from './migrations';
import { OPTIMIZER_ENTITIES } from './proposals/optimizer.entities';

export default cliDataSource(optimizerConfigSchema, {
  serviceName: OPTIMIZER_SERVICE,
  entities: [...MESSAGING_ENTITIES, ...OPTIMIZER_ENTITIES],
  migrations: OPTIMIZER_MIGRATIONS,
});
