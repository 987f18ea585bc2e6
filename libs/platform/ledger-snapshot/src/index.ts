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
export {
  type ApprovalPolicy,
  approvalPolicySchema,
  InvalidServicePolicyError,
  type ObjectiveTargetPolicy,
  parseApprovalPolicy,
  parseTargetPolicy,
  servicePolicyIssues,
  type ServicePolicyIssue,
  TARGET_OBJECTIVES,
  type TargetPolicy,
  targetPolicySchema,
} from './lib/service-policy';
