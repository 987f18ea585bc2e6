import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type DriftDetectedPayload,
  type EnvelopeMetadata,
  type PortfolioStatePayload,
  type PriceUsed,
  REBALANCE_MODES,
  REBALANCE_PROPOSED_TOPIC,
  type RebalanceMode,
  type RebalanceProposedPayload,
  type RebalanceRequestedPayload,
} from '@ballast/contracts';
import { type LinearSolver } from '@ballast/domain-planner';
import { type PriceQuote } from '@ballast/domain-portfolio';
import { APP_CONFIG } from '@ballast/platform-config';
import { Outbox, UnprocessableMessageError } from '@ballast/platform-kafka';
import {
  InvalidServicePolicyError,
  type LedgerDocument,
  parseTargetPolicy,
  planningDate,
  portfolioDocumentFromState,
  servicePolicyOf,
} from '@ballast/platform-ledger-snapshot';
import { type EntityManager } from 'typeorm';
import { type OptimizerConfig } from '../config/optimizer.config';
import { HISTORY_PORT, type HistoryPort } from '../history/history.port';
import { TargetWeightsService } from '../targets/target-weights.service';
import { PortfolioSnapshot } from './optimizer.entities';
import { cashFlowOf, describeTrigger, withRegimeBands } from './drift-run';
import { proposalIdFor } from './proposal-id';
import { InvalidPlanningPolicyError, planScenarios, ScenariosFailedError } from './scenarios';

export const PLANNER_SOLVER = Symbol('PLANNER_SOLVER');

/** The snapshot a run needs has not arrived yet: transient, retried with backoff, then dead-lettered. */
export class SnapshotNotYetHeldError extends Error {
  override readonly name = 'SnapshotNotYetHeldError';
}

interface RunCause {
  readonly topic: 'drift.detected' | 'rebalance.requested';
  readonly envelope: EnvelopeMetadata;
}

/**
 * Keeps the latest portfolio.state per portfolio and turns drift.detected and rebalance.requested
 * into rebalance.proposed. Everything happens in the consumer's transaction, so the decision record
 * and the outgoing event (on the outbox) commit together with the inbox row.
 */
@Injectable()
export class ProposalService {
  private readonly logger = new Logger(ProposalService.name);

  constructor(
    private readonly outbox: Outbox,
    private readonly targets: TargetWeightsService,
    @Inject(HISTORY_PORT) private readonly history: HistoryPort,
    @Inject(PLANNER_SOLVER) private readonly solver: LinearSolver,
    @Inject(APP_CONFIG) private readonly config: OptimizerConfig,
  ) {}

  async onPortfolioState(manager: EntityManager, state: PortfolioStatePayload): Promise<void> {
    const stored = await manager.findOne(PortfolioSnapshot, {
      where: { portfolioId: state.portfolioId },
      lock: { mode: 'pessimistic_write' },
    });
    if (stored !== null && stored.version >= state.version) {
      this.logger.log(
        `portfolio ${state.portfolioId} v${state.version} ignored: v${stored.version} is already held`,
      );
      return;
    }
    await manager.query(
      `INSERT INTO portfolio_snapshot (portfolio_id, version, state) VALUES ($1, $2, $3)
       ON CONFLICT (portfolio_id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state`,
      [state.portfolioId, state.version, JSON.stringify(state)],
    );
  }

  async onDriftDetected(
    manager: EntityManager,
    drift: DriftDetectedPayload,
    envelope: EnvelopeMetadata,
  ): Promise<RebalanceProposedPayload | null> {
    const snapshot = await manager.findOne(PortfolioSnapshot, { where: { portfolioId: drift.portfolioId } });
    if (snapshot === null || snapshot.version < drift.stateVersion) {
      throw new SnapshotNotYetHeldError(
        `portfolio ${drift.portfolioId}: drift.detected is of state v${drift.stateVersion}, ` +
          (snapshot === null ? 'no snapshot is held yet' : `v${snapshot.version} is held`),
      );
    }
    if (snapshot.version > drift.stateVersion) {
      this.logger.log(
        `drift.detected ${envelope.id} for portfolio ${drift.portfolioId} ignored: it is of state v${drift.stateVersion}, v${snapshot.version} is held (a newer state gets its own evaluation)`,
      );
      return null;
    }
    const needed = neededSymbols(snapshot.state);
    const missing = needed.filter((symbol) => !drift.pricesUsed.some((price) => price.symbol === symbol));
    if (missing.length > 0) {
      this.logger.warn(
        `drift.detected ${envelope.id} for portfolio ${drift.portfolioId}: no proposal, no price for ${missing.join(', ')} in the message`,
      );
      return null;
    }
    return this.propose(manager, snapshot.state, {
      cause: { topic: 'drift.detected', envelope },
      asOf: drift.asOf,
      pricesUsed: drift.pricesUsed.filter((price) => needed.includes(price.symbol)),
      modes: modesOf(null, cashFlowOf(drift) !== null),
      cashFlow: cashFlowOf(drift),
      requested: false,
      why: `Drift detected: ${drift.triggers.map(describeTrigger).join(', ')}.`,
      adjust: (document) => withRegimeBands(document, drift),
    });
  }

  async onRebalanceRequested(
    manager: EntityManager,
    request: RebalanceRequestedPayload,
    envelope: EnvelopeMetadata,
  ): Promise<RebalanceProposedPayload | null> {
    const snapshot = await manager.findOne(PortfolioSnapshot, {
      where: { portfolioId: request.portfolioId },
    });
    if (snapshot === null) {
      throw new SnapshotNotYetHeldError(`portfolio ${request.portfolioId}: no snapshot is held yet`);
    }
    const state = snapshot.state;
    if (
      request.cashFlow !== null &&
      !state.accounts.some((a) => a.accountId === request.cashFlow?.accountId)
    ) {
      throw new UnprocessableMessageError(
        `cashFlow.accountId: unknown account "${request.cashFlow.accountId}" in portfolio ${request.portfolioId}`,
      );
    }
    const needed = neededSymbols(state);
    const asOfDate = request.requestedAt.slice(0, 10);
    // The latest daily close of each symbol within the last ten days: a request carries no prices.
    const bars = await this.history.dailyCloses(needed, addDays(asOfDate, -10), asOfDate);
    const latest = new Map<string, { date: string; close: string }>();
    for (const bar of bars) {
      const held = latest.get(bar.symbol);
      if (held === undefined || held.date < bar.date) latest.set(bar.symbol, bar);
    }
    const missing = needed.filter((symbol) => !latest.has(symbol));
    if (missing.length > 0) {
      this.logger.warn(
        `rebalance.requested ${request.requestId} for portfolio ${request.portfolioId}: no proposal, no close within 10 days for ${missing.join(', ')}`,
      );
      return null;
    }
    const pricesUsed: PriceUsed[] = needed.map((symbol) => {
      const bar = latest.get(symbol) as { date: string; close: string };
      return {
        symbol,
        price: bar.close,
        currency: state.baseCurrency,
        asOf: `${bar.date}T00:00:00.000Z`,
        source: 'market-data-history',
      };
    });
    const asOf = pricesUsed
      .map((price) => price.asOf)
      .sort()
      .at(-1) as string;
    return this.propose(manager, state, {
      cause: { topic: 'rebalance.requested', envelope },
      asOf,
      pricesUsed,
      modes: modesOf(request.mode, request.cashFlow !== null),
      cashFlow: request.cashFlow,
      requested: true,
      why: `Rebalance requested by ${request.requestedBy.kind === 'person' ? request.requestedBy.userId : request.requestedBy.schedule}: ${request.reason}.`,
    });
  }

  private async propose(
    manager: EntityManager,
    state: PortfolioStatePayload,
    run: {
      cause: RunCause;
      asOf: string;
      pricesUsed: PriceUsed[];
      modes: RebalanceMode[];
      cashFlow: { accountId: string; amount: string } | null;
      requested: boolean;
      why: string;
      /** A last change to the run's portfolio file (the regime's bands). */
      adjust?: (document: LedgerDocument) => LedgerDocument;
    },
  ): Promise<RebalanceProposedPayload | null> {
    const proposalId = proposalIdFor(run.cause.envelope.id);
    const asOfDate = planningDate(state, run.asOf);
    let targetPolicy;
    try {
      targetPolicy = parseTargetPolicy(servicePolicyOf(state).targets);
    } catch (error) {
      if (error instanceof InvalidServicePolicyError) throw new UnprocessableMessageError(error.message);
      throw error;
    }
    // Objective targets are estimated on the history up to the prices' date (what a replay has).
    const targets = await this.targets.targetsFor(state, targetPolicy, run.asOf.slice(0, 10));
    const fromState = { ...portfolioDocumentFromState(state, asOfDate), targets: targets.targets };
    const document = run.adjust === undefined ? fromState : run.adjust(fromState);
    const prices = new Map<string, PriceQuote>(
      run.pricesUsed.map((price) => [
        price.symbol,
        { symbol: price.symbol, price: price.price, asOf: price.asOf, source: price.source },
      ]),
    );
    let result;
    try {
      result = planScenarios(
        {
          document,
          prices,
          asOf: asOfDate,
          modes: run.modes,
          cashFlow: run.cashFlow,
          requested: run.requested,
          weights: { driftBps: this.config.SCORE_DRIFT_BPS, turnoverBps: this.config.SCORE_TURNOVER_BPS },
        },
        this.solver,
      );
    } catch (error) {
      if (error instanceof InvalidPlanningPolicyError || error instanceof ScenariosFailedError) {
        throw new UnprocessableMessageError(
          `portfolio ${state.portfolioId} v${state.version}: ${error.message}`,
        );
      }
      throw error;
    }
    const plan = result.chosen.plan;
    const payload: RebalanceProposedPayload = {
      proposalId,
      portfolioId: state.portfolioId,
      stateVersion: state.version,
      asOf: run.asOf,
      baseCurrency: state.baseCurrency,
      cause: { topic: run.cause.topic, messageId: run.cause.envelope.id },
      targets: targets.targets,
      driftBefore: Math.min(1, Math.max(0, result.driftBefore)),
      scenarios: result.scenarios.map((p) => p.scenario),
      chosen: result.chosen.scenario.kind,
      trades:
        result.chosen.scenario.kind === 'defer' || plan === undefined
          ? []
          : plan.orders.map((order, index) => ({
              leg: index + 1,
              accountId: order.account,
              symbol: order.symbol,
              side: order.side,
              quantity: order.quantity,
              referencePrice: order.estimatedPrice,
              estimatedValue: order.estimatedValue,
            })),
      explanation: [run.why, ...targets.explanation, ...result.explanation],
      pricesUsed: run.pricesUsed,
      totalValue: result.totalValue,
    };
    const inputs = {
      asOf: asOfDate,
      portfolioFile: result.chosen.document ?? document,
      prices: run.pricesUsed,
      targets: targets.inputs,
      scoreWeights: { driftBps: this.config.SCORE_DRIFT_BPS, turnoverBps: this.config.SCORE_TURNOVER_BPS },
    };
    // The cause's id is unique: a cause handled once (under another inbox group, or replayed after the
    // inbox's retention) records and publishes nothing the second time.
    const inserted: unknown[] = await manager.query(
      `INSERT INTO proposal (proposal_id, portfolio_id, state_version, cause_topic, cause_message_id, chosen, proposal, inputs)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING proposal_id`,
      [
        proposalId,
        state.portfolioId,
        state.version,
        run.cause.topic,
        run.cause.envelope.id,
        payload.chosen,
        JSON.stringify(payload),
        JSON.stringify(inputs),
      ],
    );
    if (inserted.length === 0) {
      this.logger.log(`proposal ${proposalId} already recorded; not published again`);
      return null;
    }
    // A run starts a correlation: the cause's (a drift's run id) or, for a request, the request's.
    await this.outbox.enqueue(manager, REBALANCE_PROPOSED_TOPIC, state.portfolioId, payload, {
      correlationId: run.cause.envelope.correlationId,
      causationId: run.cause.envelope.id,
    });
    this.logger.log(
      `rebalance.proposed ${proposalId} for portfolio ${state.portfolioId} v${state.version}: ${payload.chosen}, ${payload.trades.length} trade(s)`,
    );
    return payload;
  }
}

/** Every symbol held or targeted: the planner needs a price for each. */
export function neededSymbols(state: PortfolioStatePayload): string[] {
  return [
    ...new Set([
      ...state.targets.map((target) => target.symbol),
      ...state.accounts.flatMap((account) =>
        account.positions.filter((p) => Number(p.quantity) > 0).map((position) => position.symbol),
      ),
    ]),
  ].sort();
}

/** A requested mode is planned alone (against defer); otherwise every mode, cash-flow only with a cash flow. */
function modesOf(requested: RebalanceMode | null, withCashFlow = false): RebalanceMode[] {
  if (requested !== null) return [requested];
  return REBALANCE_MODES.filter((mode) => mode !== 'cash-flow' || withCashFlow);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
