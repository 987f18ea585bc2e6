import { CreateMessagingTables1763800000000 } from '@ballast/platform-kafka';
import { CreateExecutionTables1763800000600 } from './1763800000600-create-execution-tables';
import { RecordBuyReductions1763800000700 } from './1763800000700-record-buy-reductions';

/** Every migration of the execution schema, oldest first. */
export const EXECUTION_MIGRATIONS = [
  CreateMessagingTables1763800000000,
  CreateExecutionTables1763800000600,
  RecordBuyReductions1763800000700,
];
