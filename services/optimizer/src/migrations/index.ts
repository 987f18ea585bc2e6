import { CreateMessagingTables1763800000000 } from '@ballast/platform-kafka';
import { CreateOptimizerTables1763800000400 } from './1763800000400-create-optimizer-tables';

/** Every migration of the optimizer schema, oldest first. */
export const OPTIMIZER_MIGRATIONS = [CreateMessagingTables1763800000000, CreateOptimizerTables1763800000400];
