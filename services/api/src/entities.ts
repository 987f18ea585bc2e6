import { MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { AppliedFill, LatestPrice, Proposal, ProposalDecision } from './approvals/proposal.entities';
import { ApiKey } from './auth/api-key.entity';
import { Household, HouseholdMember } from './households/household.entities';
import { Portfolio } from './portfolios/portfolio.entity';
import { PortfolioVersion } from './portfolios/portfolio-version.entity';
import { RebalanceRequestRecord } from './portfolios/rebalance-request.entity';

/** Every TypeORM entity of the api schema (the app, the CLI data source and the migration test). */
export const API_ENTITIES = [
  ...MESSAGING_ENTITIES,
  ApiKey,
  Household,
  HouseholdMember,
  Portfolio,
  PortfolioVersion,
  RebalanceRequestRecord,
  Proposal,
  ProposalDecision,
  AppliedFill,
  LatestPrice,
];
