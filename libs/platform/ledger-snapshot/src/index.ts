export {
  type LedgerDocument,
  type LedgerDocumentAccount,
  type LedgerDocumentLot,
  portfolioDocumentFromState,
  SERVICE_POLICY_FIELDS,
  type ServicePolicyField,
  servicePolicyOf,
  stateLotIds,
  UNTRACKED_LOT_PREFIX,
} from './lib/portfolio-document';
