export {
  CashBufferInfeasibleError,
  InfeasiblePlanError,
  InvalidPlanInputError,
  PlannerError,
  UnreachableTargetError,
  WithdrawalInfeasibleError,
} from './lib/errors';
export {
  type LinearProgram,
  type LinearSolution,
  type LinearSolver,
  type LpConstraint,
  type LpTerm,
  type LpVariable,
  type VariableKind,
  toCplexLp,
} from './lib/linear-program';
export {
  type HighsLike,
  type HighsModelData,
  type HighsModelLike,
  type HighsSolverOptions,
  createHighsSolver,
  toHighsModelData,
} from './lib/highs-solver';
export {
  type AbsoluteBandTrigger,
  type CashBufferTrigger,
  type CalendarTrigger,
  type CashFlowTrigger,
  type SleeveBandTrigger,
  isDiscretionary,
  latestScheduledDate,
  type RelativeBandTrigger,
  type Trigger,
  evaluateTriggers,
  outOfBandSymbols,
} from './lib/triggers';
export {
  type AccountValue,
  FRACTIONAL_DIGITS,
  type PlanDriftRow,
  type PlanHold,
  type PlanOptions,
  type PlanOrder,
  type PlanRequest,
  type RebalancePlan,
  planRebalance,
} from './lib/plan';
export {
  type LegColumn,
  type RelaxAndFixOptions,
  type RoundingGuide,
  roundRelaxation,
  solveRelaxAndFix,
} from './lib/relax-and-fix';
