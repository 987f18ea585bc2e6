// For the TypeORM CLI, from the built output, e.g.
//   npx typeorm migration:show -d dist/market-data/services/market-data/src/data-source.js
// The service itself runs its migrations with `node main.js migrate` (see README).
import { cliDataSource } from '@ballast/platform-database';
import { MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { marketDataConfigSchema, MARKET_DATA_SERVICE } from './config/market-data.config';
import { MARKET_DATA_ENTITIES_EXTRA } from './history/daily-bar.entity';
import { LastPrice } from './prices/last-price.entity';
import { MARKET_DATA_MIGRATIONS } from './migrations';

export default cliDataSource(marketDataConfigSchema, {
  serviceName: MARKET_DATA_SERVICE,
  entities: [...MESSAGING_ENTITIES, LastPrice, ...MARKET_DATA_ENTITIES_EXTRA],
  migrations: MARKET_DATA_MIGRATIONS,
});
