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
