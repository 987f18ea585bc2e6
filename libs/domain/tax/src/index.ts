export {
  DisposalBeforeAcquisitionError,
  holdingTerm,
  type HoldingTerm,
  InvalidTradeDateError,
  longTermFrom,
  oneYearAfter,
  parseTradeDate,
} from './lib/holding-period';
export {
  InsufficientSharesError,
  InvalidLotError,
  LOT_RELIEF_METHODS,
  type LotReliefMethod,
  type LotSale,
  type SaleRequest,
  type SaleResult,
  sellFromLots,
  type TaxLot,
} from './lib/lot-relief';
export {
  type CapitalLossCarryforward,
  InvalidAmountError,
  netCapitalGains,
  type NettingInput,
  type NettingResult,
} from './lib/capital-loss-netting';
export {
  findWashSales,
  InvalidWashSaleInputError,
  type LossSale,
  lossSalesOf,
  type Purchase,
  type WashSaleMatch,
  type WashSaleReport,
} from './lib/wash-sale';
export { applyWashSaleAdjustments } from './lib/wash-sale-adjustment';
export { estimateTax, type TaxEstimate, type TaxRates } from './lib/estimated-tax';
export {
  DEFAULT_TAX_POLICY,
  type GainsBudget,
  identityOf,
  InvalidTaxPolicyError,
  lotMethodOf,
  parseTaxPolicy,
  TAX_POLICY_FIELDS,
  type TaxPolicy,
  type TaxPolicyContext,
  type TaxPolicyIssue,
} from './lib/tax-policy';
export {
  type AccountType,
  type HouseholdAccount,
  type HouseholdLot,
  type HouseholdTransaction,
  type IdentifiedLot,
  identifyLots,
  InvalidTaxInputError,
  lotIdOf,
} from './lib/household';
export {
  findHarvestCandidates,
  HARVEST_EXCLUSION_REASONS,
  type HarvestCandidate,
  type HarvestExclusion,
  type HarvestExclusionReason,
  type HarvestInput,
  type HarvestReport,
} from './lib/harvest';
export {
  checkWashSalesPreTrade,
  washSaleCoverage,
  type CoverageGap,
  type PastLossSale,
  type PreTradeAction,
  type PreTradeInput,
  type PreTradeReport,
  type PreTradeVerdict,
  type PreTradeVerdictKind,
  type PreTradeWash,
  type ProposedOrder,
  type WashCounterparty,
} from './lib/pre-trade-check';
export {
  type AssetLocationInput,
  type AssetLocationSuggestion,
  type AssetPlacement,
  DEFAULT_TAX_EFFICIENCY_RANKING,
  newMoneyTargets,
  suggestAssetLocation,
} from './lib/asset-location';
export {
  estimateSaleTax,
  gainsBudgetRemaining,
  type SaleTaxEstimate,
  type SaleTaxInput,
  type SaleTaxSegment,
  saleTaxSegments,
} from './lib/sale-tax';
export {
  type PlanOrder,
  type PlanOrderTax,
  type PlanTaxInput,
  type PlanTaxReport,
  type PlanWashSale,
  taxOfPlan,
} from './lib/plan-tax';
export {
  resolveWashSales,
  type ResolvedOrders,
  type WashDecision,
  type WashResolution,
} from './lib/resolve-wash-sales';
export { realizedGainsByYear, type RealizedSale, type RealizedYear } from './lib/realized-gains';
