import { CreateMessagingTables1763800000000 } from '@ballast/platform-kafka';
import { CreateLastPrice1763800000100 } from './1763800000100-create-last-price';
import { CreateDailyBarAndStaleEpisode1763800000110 } from './1763800000110-create-daily-bar-and-stale-episode';
import { CreatePortfolioSymbols1763800000120 } from './1763800000120-create-portfolio-symbols';

/** Every migration of the market-data schema, oldest first. */
export const MARKET_DATA_MIGRATIONS = [
  CreateMessagingTables1763800000000,
  CreateLastPrice1763800000100,
  CreateDailyBarAndStaleEpisode1763800000110,
  CreatePortfolioSymbols1763800000120,
];
