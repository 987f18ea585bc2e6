import { CreateMessagingTables1763800000000 } from '@ballast/platform-kafka';
import { CreatePortfolio1763800000200 } from './1763800000200-create-portfolio';
import { CreateLedgerAndApprovals1763800000400 } from './1763800000400-create-ledger-and-approvals';
import { ProposalSuperseded1763800000500 } from './1763800000500-proposal-superseded';

/** Every migration of the api schema, oldest first. */
export const API_MIGRATIONS = [
  CreateMessagingTables1763800000000,
  CreatePortfolio1763800000200,
  CreateLedgerAndApprovals1763800000400,
  ProposalSuperseded1763800000500,
];
