import { type RebalanceMode, type Scenario, type ScenarioKind } from '@ballast/contracts';
import { type LinearSolver, type RebalancePlan, planRebalance } from '@ballast/domain-planner';
import { type PortfolioFile, type PriceQuote, parsePortfolioFile } from '@ballast/domain-portfolio';
import { type TaxPolicy, parseTaxPolicy, taxOfPlan } from '@ballast/domain-tax';
import { type LedgerDocument } from '@ballast/platform-ledger-snapshot';

/** Weights of the score (see README, "Scoring"). */
export interface ScoreWeights {
  /** Basis points of value per unit of one-way drift left after the trades. */
  readonly driftBps: number;
  /** Basis points of value per unit of one-way turnover. */
  readonly turnoverBps: number;
}

export interface ScenarioRequest {
  /** The portfolio file of the run (targets already decided). */
  readonly document: LedgerDocument;
  readonly prices: ReadonlyMap<string, PriceQuote>;
  /** `YYYY-MM-DD`. */
  readonly asOf: string;
  /** The planner modes to try; `defer` is always scored. */
  readonly modes: readonly RebalanceMode[];
  /** A deposit (positive) or withdrawal (negative) to plan with, in one account. */
  readonly cashFlow: { readonly accountId: string; readonly amount: string } | null;
  /**
   * A person or a schedule asked for this run: the request is the trigger, so the full and partial
   * scenarios plan without the policy's bands and calendar (band mode keeps them: it trades only
   * what is out of band).
   */
  readonly requested: boolean;
  readonly weights: ScoreWeights;
}

export interface PlannedScenario {
  readonly scenario: Scenario;
  /** The plan behind a planner scenario (undefined for `defer` and for a scenario that failed). */
  readonly plan?: RebalancePlan;
  /** The exact portfolio file it was planned from, for the decision record and `ballast plan`. */
  readonly document?: LedgerDocument;
}

export interface ScenarioResult {
  readonly scenarios: readonly PlannedScenario[];
  readonly chosen: PlannedScenario;
  readonly driftBefore: number;
  readonly totalValue: string;
  readonly explanation: string[];
}

/** A run whose planning policy does not parse: not retried, dead-lettered with the field's name. */
export class InvalidPlanningPolicyError extends Error {
  override readonly name = 'InvalidPlanningPolicyError';
}

/** Tie order: with equal scores, doing less wins. */
const TIE_ORDER: readonly ScenarioKind[] = ['defer', 'band', 'partial', 'cash-flow', 'full'];

/**
 * Plans each scenario with the planner (the same `planRebalance` as `ballast plan`, tax-aware with
 * the household's tax policy), prices its tax with `taxOfPlan`, scores it and chooses the lowest
 * score:
 *
 *   score = driftAfter × driftBps + turnover × turnoverBps + (cost + estimatedTax) / totalValue × 10 000
 *
 * in basis points of the household's value. `defer` keeps today's drift at no cost. A scenario with
 * no orders is `defer` under another name and is never chosen over it; a scenario the planner cannot
 * solve (an unreachable target, an infeasible buffer) is reported with its reason and not chosen.
 *
 * @throws InvalidPlanningPolicyError when the portfolio file or its tax policy does not parse.
 */
export function planScenarios(request: ScenarioRequest, solver: LinearSolver): ScenarioResult {
  const base = parseDocument(request.document);
  const taxPolicy = parseTax(base);
  const planned: PlannedScenario[] = [];
  let reference: RebalancePlan | undefined;
  for (const mode of request.modes) {
    const document = scenarioDocument(request, mode);
    try {
      const portfolio = parseDocument(document);
      const plan = planRebalance(
        { portfolio, prices: request.prices, asOf: request.asOf, taxPolicy },
        solver,
      );
      reference ??= plan;
      const tax = taxOfPlan({
        accounts: portfolio.accounts,
        transactions: portfolio.transactions,
        policy: taxPolicy,
        asOf: request.asOf,
        orders: plan.orders.map((order) => ({
          account: order.account,
          symbol: order.symbol,
          side: order.side,
          quantity: order.quantity,
          price: order.estimatedPrice,
        })),
      });
      const totalValue = Number(plan.value.total);
      const cost = Number(plan.costs.total);
      const estimatedTax = tax.estimatedTax.total;
      const score =
        plan.orders.length === 0
          ? scoreOf(plan.drift.portfolioDrift, 0, 0, totalValue, request.weights)
          : scoreOf(
              plan.after.portfolioDrift,
              plan.turnover,
              cost + Number(estimatedTax),
              totalValue,
              request.weights,
            );
      planned.push({
        scenario: {
          kind: mode,
          driftAfter: plan.orders.length === 0 ? plan.drift.portfolioDrift : plan.after.portfolioDrift,
          turnover: plan.turnover,
          cost: plan.costs.total,
          estimatedTax,
          trades: plan.orders.length,
          score,
          ...(plan.orders.length === 0
            ? {
                note:
                  plan.holds.length > 0
                    ? `no orders: held back (${plan.holds.map((hold) => hold.kind).join(', ')})`
                    : 'no orders: nothing to trade under this mode',
              }
            : {}),
        },
        plan,
        document,
      });
    } catch (error) {
      if (error instanceof InvalidPlanningPolicyError) throw error;
      planned.push({
        scenario: {
          kind: mode,
          driftAfter: 0,
          turnover: 0,
          cost: '0',
          estimatedTax: '0',
          trades: 0,
          score: Number.MAX_VALUE,
          note: `not computed: ${(error as Error).message}`,
        },
        document,
      });
    }
  }
  if (reference === undefined) {
    // Every planner scenario failed: the reasons are in the notes, and there is no drift to report.
    const reasons = planned.map((p) => `${p.scenario.kind}: ${p.scenario.note ?? ''}`).join('; ');
    throw new ScenariosFailedError(`no scenario could be planned (${reasons})`);
  }
  const driftBefore = reference.drift.portfolioDrift;
  const totalValue = reference.value.total;
  const defer: PlannedScenario = {
    scenario: {
      kind: 'defer',
      driftAfter: driftBefore,
      turnover: 0,
      cost: '0',
      estimatedTax: '0',
      trades: 0,
      score: scoreOf(driftBefore, 0, 0, Number(totalValue), request.weights),
    },
  };
  const all = [...planned, defer];
  const candidates = all.filter((p) => p.scenario.kind === 'defer' || p.scenario.trades > 0);
  const chosen = [...candidates].sort(
    (a, b) =>
      a.scenario.score - b.scenario.score ||
      TIE_ORDER.indexOf(a.scenario.kind) - TIE_ORDER.indexOf(b.scenario.kind),
  )[0] as PlannedScenario;
  return { scenarios: all, chosen, driftBefore, totalValue, explanation: explain(all, chosen, driftBefore) };
}

/** Every planner scenario failed; transient or not, there is nothing to propose. */
export class ScenariosFailedError extends Error {
  override readonly name = 'ScenariosFailedError';
}

export function scoreOf(
  driftAfter: number,
  turnover: number,
  costAndTax: number,
  totalValue: number,
  weights: ScoreWeights,
): number {
  const money = totalValue > 0 ? (costAndTax / totalValue) * 10_000 : 0;
  return driftAfter * weights.driftBps + turnover * weights.turnoverBps + money;
}

/** The run's document with the scenario's mode, the cash flow, and, for a requested run, no bands. */
export function scenarioDocument(request: ScenarioRequest, mode: RebalanceMode): LedgerDocument {
  const policy: Record<string, unknown> = { ...request.document.policy, mode };
  if (request.cashFlow !== null) {
    policy['cashFlow'] = request.cashFlow.amount;
    policy['cashFlowAccount'] = request.cashFlow.accountId;
  }
  if (request.requested && (mode === 'full' || mode === 'partial')) {
    policy['bands'] = {};
    delete policy['calendar'];
  }
  return { ...request.document, policy };
}

function parseDocument(document: LedgerDocument): PortfolioFile {
  try {
    return parsePortfolioFile(document);
  } catch (error) {
    throw new InvalidPlanningPolicyError((error as Error).message);
  }
}

function parseTax(portfolio: PortfolioFile): TaxPolicy {
  try {
    return parseTaxPolicy(portfolio.policy.tax, {
      accountIds: portfolio.accounts.map((account) => account.id),
      symbols: [
        ...new Set([
          ...portfolio.targets.map((t) => t.symbol),
          ...portfolio.accounts.flatMap((a) => a.lots.map((lot) => lot.symbol)),
          ...portfolio.transactions.map((t) => t.symbol),
        ]),
      ],
    });
  } catch (error) {
    throw new InvalidPlanningPolicyError((error as Error).message);
  }
}

function explain(all: readonly PlannedScenario[], chosen: PlannedScenario, driftBefore: number): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const lines = all.map(
    ({ scenario }) =>
      `${scenario.kind}: score ${scenario.score === Number.MAX_VALUE ? 'n/a' : scenario.score.toFixed(2)} ` +
      `(drift ${pct(driftBefore)} -> ${pct(scenario.driftAfter)}, turnover ${pct(scenario.turnover)}, cost ${scenario.cost}, ` +
      `tax ${scenario.estimatedTax}, ${scenario.trades} trade(s))${scenario.note === undefined ? '' : `: ${scenario.note}`}`,
  );
  const why =
    chosen.scenario.kind === 'defer'
      ? 'Chosen: defer, no scenario removes enough drift to pay for its cost and tax.'
      : `Chosen: ${chosen.scenario.kind}, the lowest score: it removes ${pct(driftBefore - chosen.scenario.driftAfter)} of drift for ${chosen.scenario.cost} of cost and ${chosen.scenario.estimatedTax} of estimated tax.`;
  return [why, ...lines, ...(chosen.plan?.explanation ?? [])];
}
