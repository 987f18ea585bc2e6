// For the TypeORM CLI, from the built output, e.g.
//   npx typeorm migration:show -d dist/execution/services/execution/src/data-source.js
// The service itself runs its migrations with `node main.js migrate` (see README).
import { cliDataSource } from '@ballast/platform-database';
import { MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { PAPER_BROKER_ENTITIES } from './broker/paper/paper-broker.entities';
import { EXECUTION_SERVICE, executionConfigSchema } from './config/execution.config';
import { EXECUTION_ENTITIES } from './execution/execution.entities';
import { EXECUTION_MIGRATIONS } from './migrations';

export default cliDataSource(executionConfigSchema, {
  serviceName: EXECUTION_SERVICE,
  entities: [...MESSAGING_ENTITIES, ...EXECUTION_ENTITIES, ...PAPER_BROKER_ENTITIES],
  migrations: EXECUTION_MIGRATIONS,
});
