// For the TypeORM CLI, from the built output, e.g.
//   npx typeorm migration:show -d dist/tax/services/tax/src/data-source.js
// The service itself runs its migrations with `node main.js migrate` (see README).
import { cliDataSource } from '@ballast/platform-database';
import { MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { TAX_SERVICE, taxConfigSchema } from './config/tax.config';
import { TAX_MIGRATIONS } from './migrations';
import { TAX_ENTITIES } from './orders/tax.entities';

export default cliDataSource(taxConfigSchema, {
  serviceName: TAX_SERVICE,
  entities: [...MESSAGING_ENTITIES, ...TAX_ENTITIES],
  migrations: TAX_MIGRATIONS,
});
