import { CreateMessagingTables1763800000000 } from '@ballast/platform-kafka';
import { CreatePortfolio1763800000200 } from './1763800000200-create-portfolio';

/** Every migration of the api schema, oldest first. */
export const API_MIGRATIONS = [CreateMessagingTables1763800000000, CreatePortfolio1763800000200];
