import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DRIFT_DETECTED_TOPIC,
  type DriftRegime,
  type EnvelopeMetadata,
  type OrdersRejectedPayload,
  type PortfolioStatePayload,
  type PriceStalePayload,
  type PriceTickPayload,
  RISK_ALERT_TOPIC,
} from '@ballast/contracts';
import { type RegimeReading } from '@ballast/domain-signals';
import { APP_CONFIG } from '@ballast/platform-config';
import { Outbox } from '@ballast/platform-kafka';
import { type MonitorConfig, REGIME_HISTORY_DAYS } from '../config/monitor.config';
import { randomUUID } from 'node:crypto';
import { type DataSource, type EntityManager, In, LessThan } from 'typeorm';
import { SymbolIndex } from '../index/symbol-index';
import { driftEvents, evaluations, riskAlerts, staleEvents } from '../monitor.metrics';
import { adaptPolicy, regimeAfter } from './adaptive-policy';
import { evaluateDrift, indexedSymbols, type MonitorQuote, neededSymbols } from './drift-evaluation';
import { InvalidMonitorPolicyError, type MonitorPolicy, monitorPolicyOf } from './monitor-policy';
import {
  DailyClose,
  LatestPrice,
  MonitoredPortfolio,
  PortfolioSymbol,
  PortfolioValue,
  StaleSymbol,
} from './monitor.entities';
import { newBreaches, riskAlertOf, riskBreaches, riskSnapshot } from './risk-limits';
import { laterRearm, rearmDecision, rearmDue } from './supersede-rearm';

/**
 * Keeps the monitor's view (portfolios, symbol index, latest prices, stale symbols, daily closes and
 * values) and re-evaluates exactly the portfolios a change touches. Everything happens in the
 * consumer's transaction, so the view, the trigger and risk episodes and the events they cause (on
 * the outbox) commit together.
 */
@Injectable()
export class DriftMonitorService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DriftMonitorService.name);
  readonly index = new SymbolIndex();
  private refreshTimer: NodeJS.Timeout | null = null;
  /**
   * Parsed policies by portfolio, valid for one snapshot version (parsing per tick would be waste);
   * a policy that cannot be evaluated is kept as its error, so that it is reported, not re-parsed.
   */
  private readonly policies = new Map<
    string,
    { version: number; policy: MonitorPolicy | InvalidMonitorPolicyError }
  >();
  /** Regime readings by benchmark, valid for one day and one set of thresholds. */
  private readonly regimes = new Map<string, { key: string; reading: RegimeReading | null }>();

  constructor(
    private readonly outbox: Outbox,
    @Inject(APP_CONFIG) private readonly config: MonitorConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refreshIndex();
    this.logger.log(
      `symbol index rebuilt: ${this.index.portfolioCount} portfolios, ${this.index.symbolCount} symbols`,
    );
    this.refreshTimer = setInterval(() => {
      this.refreshIndex().catch((error: unknown) =>
        this.logger.error(`symbol index refresh failed (kept the previous one): ${String(error)}`),
      );
    }, this.config.INDEX_REFRESH_MS);
    this.refreshTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.refreshTimer !== null) clearInterval(this.refreshTimer);
  }

  private refreshIndex(): Promise<void> {
    return this.index.rebuild(() =>
      this.dataSource.getRepository(PortfolioSymbol).find({ select: { portfolioId: true, symbol: true } }),
    );
  }

  async onPortfolioState(
    manager: EntityManager,
    state: PortfolioStatePayload,
    cause: EnvelopeMetadata,
  ): Promise<void> {
    const stored = await manager.findOne(MonitoredPortfolio, {
      where: { portfolioId: state.portfolioId },
      lock: { mode: 'pessimistic_write' },
    });
    if (stored !== null && stored.version >= state.version) {
      this.logger.log(
        `portfolio ${state.portfolioId} v${state.version} ignored: v${stored.version} is already held`,
      );
      return;
    }
    // A superseded proposal's re-arm that waited for this version (or an earlier one) happens now,
    // once: its episode is cleared here and the evaluation below fires again if a trigger is active.
    const pendingRearm = stored?.rearmAtVersion ?? null;
    const rearm = rearmDue(pendingRearm, state.version);
    if (rearm) {
      this.logger.log(
        `portfolio ${state.portfolioId} v${state.version} reached v${String(pendingRearm)}, awaited by a superseded proposal: re-armed`,
      );
    }
    await manager.upsert(
      MonitoredPortfolio,
      {
        portfolioId: state.portfolioId,
        version: state.version,
        // The snapshot is stored as jsonb as is; TypeORM's deep-partial type cannot follow its open records.
        state: state as never,
        outOfBand: stored?.outOfBand ?? [],
        activeTriggers: rearm ? [] : (stored?.activeTriggers ?? []),
        breachedLimits: stored?.breachedLimits ?? [],
        rearmAtVersion: rearm ? null : pendingRearm,
      },
      ['portfolioId'],
    );
    const symbols = indexedSymbols(state);
    await manager.delete(PortfolioSymbol, { portfolioId: state.portfolioId });
    await manager.insert(
      PortfolioSymbol,
      symbols.map((symbol) => ({ portfolioId: state.portfolioId, symbol })),
    );
    this.index.set(state.portfolioId, symbols);
    await this.evaluate(manager, state.portfolioId, cause);
  }

  /**
   * The api superseded a proposal because the ledger changed before its approval (orders.rejected,
   * stage `approval`, code `ledger-changed`): the episode that led to it produced nothing, so the
   * portfolio is re-armed and evaluated now on the snapshot held, which fires drift.detected again if
   * a trigger is still active (and the prices allow), for a proposal on the new ledger. The api sends
   * one rejection per leg; only the first of a proposal re-arms. Other rejections (execution's) are
   * not the monitor's business: their proposal was approved on a current ledger.
   *
   * When the rejection names a ledger version newer than the snapshot held (portfolio.state is
   * another topic and may be behind), the re-arm waits for that version (`rearmDecision`): it is
   * recorded on the portfolio and done by `onPortfolioState`.
   */
  async onOrdersRejected(
    manager: EntityManager,
    rejected: OrdersRejectedPayload,
    cause: EnvelopeMetadata,
  ): Promise<void> {
    if (rejected.stage !== 'approval' || rejected.code !== 'ledger-changed') return;
    const portfolio = await manager.findOne(MonitoredPortfolio, {
      where: { portfolioId: rejected.portfolioId },
      lock: { mode: 'pessimistic_write' },
    });
    if (portfolio === null) return;
    const first: unknown[] = await manager.query(
      `INSERT INTO superseded_proposal (proposal_id, portfolio_id) VALUES ($1, $2)
       ON CONFLICT (proposal_id) DO NOTHING RETURNING proposal_id`,
      [rejected.proposalId, rejected.portfolioId],
    );
    if (first.length === 0) return;
    const decision = rearmDecision(portfolio.version, rejected);
    if (decision.kind === 'at-version') {
      const version = laterRearm(portfolio.rearmAtVersion, decision.version);
      this.logger.log(
        `proposal ${rejected.proposalId} of portfolio ${rejected.portfolioId} superseded (${rejected.reason}): v${portfolio.version} held, re-arms when v${version} arrives`,
      );
      await manager.update(
        MonitoredPortfolio,
        { portfolioId: rejected.portfolioId },
        { rearmAtVersion: version },
      );
      return;
    }
    this.logger.log(
      `proposal ${rejected.proposalId} of portfolio ${rejected.portfolioId} superseded (${rejected.reason}): re-armed, evaluating v${portfolio.version}`,
    );
    await manager.update(MonitoredPortfolio, { portfolioId: rejected.portfolioId }, { activeTriggers: [] });
    await this.evaluate(manager, rejected.portfolioId, cause);
  }

  async onPriceTick(manager: EntityManager, tick: PriceTickPayload, cause: EnvelopeMetadata): Promise<void> {
    const stored = await manager.findOne(LatestPrice, {
      where: { symbol: tick.symbol },
      lock: { mode: 'pessimistic_write' },
    });
    if (stored !== null && Number(stored.asOfMillis) >= tick.asOfMillis) {
      return; // an older or repeated tick: the held price is newer
    }
    await manager.upsert(
      LatestPrice,
      {
        symbol: tick.symbol,
        price: tick.price,
        currency: tick.currency,
        asOf: new Date(tick.asOfMillis),
        asOfMillis: String(tick.asOfMillis),
        source: tick.source,
      },
      ['symbol'],
    );
    await manager.query(
      `INSERT INTO daily_close (symbol, day, close, as_of_millis) VALUES ($1, $2, $3, $4)
       ON CONFLICT (symbol, day) DO UPDATE SET close = excluded.close, as_of_millis = excluded.as_of_millis
       WHERE daily_close.as_of_millis < excluded.as_of_millis`,
      [
        tick.symbol,
        new Date(tick.asOfMillis).toISOString().slice(0, 10),
        tick.price,
        String(tick.asOfMillis),
      ],
    );
    // A fresh tick ends the symbol's staleness.
    const ended = await manager.delete(StaleSymbol, { symbol: tick.symbol });
    if ((ended.affected ?? 0) > 0) this.logger.log(`${tick.symbol} is fresh again (tick at ${tick.asOf})`);
    for (const portfolioId of this.index.portfoliosOf(tick.symbol)) {
      await this.evaluate(manager, portfolioId, cause);
    }
  }

  async onPriceStale(
    manager: EntityManager,
    stale: PriceStalePayload,
    cause: EnvelopeMetadata,
  ): Promise<void> {
    const held = await manager.findOne(LatestPrice, {
      where: { symbol: stale.symbol },
      lock: { mode: 'pessimistic_write' },
    });
    const lastPriceMillis = stale.lastPriceAt === null ? -Infinity : Date.parse(stale.lastPriceAt);
    if (held !== null && Number(held.asOfMillis) > lastPriceMillis) {
      // The report is older than a tick already held (topics are not ordered with each other).
      staleEvents.inc({ outcome: 'ignored' });
      this.logger.log(
        `price.stale for ${stale.symbol} ignored: a tick at ${held.asOf.toISOString()} is newer than its last price ${stale.lastPriceAt ?? 'none'}`,
      );
      return;
    }
    await manager.upsert(
      StaleSymbol,
      {
        symbol: stale.symbol,
        lastPriceAt: stale.lastPriceAt === null ? null : new Date(stale.lastPriceAt),
        maxAgeSeconds: stale.maxAgeSeconds,
        detectedAt: new Date(stale.detectedAt),
      },
      ['symbol'],
    );
    staleEvents.inc({ outcome: 'recorded' });
    const affected = this.index.portfoliosOf(stale.symbol);
    this.logger.warn(
      `${stale.symbol} is stale (no price since ${stale.lastPriceAt ?? 'ever'}, allowed ${stale.maxAgeSeconds} s): ${affected.length} portfolio(s) blocked until a fresh tick`,
    );
    for (const portfolioId of affected) await this.evaluate(manager, portfolioId, cause);
  }

  /** @throws InvalidMonitorPolicyError naming every bad field of the snapshot's policy */
  private policyOf(portfolio: MonitoredPortfolio): MonitorPolicy {
    const cached = this.policies.get(portfolio.portfolioId);
    let policy: MonitorPolicy | InvalidMonitorPolicyError;
    if (cached !== undefined && cached.version === portfolio.version) {
      policy = cached.policy;
    } else {
      try {
        policy = monitorPolicyOf(portfolio.state, portfolio.state.updatedAt);
      } catch (error) {
        if (!(error instanceof InvalidMonitorPolicyError)) throw error;
        policy = error;
      }
      this.policies.set(portfolio.portfolioId, { version: portfolio.version, policy });
    }
    if (policy instanceof InvalidMonitorPolicyError) throw policy;
    return policy;
  }

  private async evaluate(
    manager: EntityManager,
    portfolioId: string,
    cause: EnvelopeMetadata,
  ): Promise<void> {
    // Row lock: the tick consumer and the portfolio consumer may evaluate the same portfolio at once.
    const portfolio = await manager.findOne(MonitoredPortfolio, {
      where: { portfolioId },
      lock: { mode: 'pessimistic_write' },
    });
    if (portfolio === null) return;
    const state = portfolio.state;
    let policy: MonitorPolicy;
    try {
      policy = this.policyOf(portfolio);
    } catch (error) {
      // The snapshot is held (it is the ledger's latest: holdings must not go back to an older
      // version), but nothing is decided on a policy that cannot be read: no trigger, no alert, the
      // fields named in the log, the metric and blockedReason, until a corrected snapshot arrives.
      if (!(error instanceof InvalidMonitorPolicyError)) throw error;
      await this.block(manager, portfolio, 'invalid-policy', error.message);
      return;
    }
    const symbols = indexedSymbols(state);
    // One connection per transaction: the two reads run one after the other anyway.
    const priceRows =
      symbols.length === 0 ? [] : await manager.find(LatestPrice, { where: { symbol: In(symbols) } });
    const staleRows =
      symbols.length === 0 ? [] : await manager.find(StaleSymbol, { where: { symbol: In(symbols) } });
    const prices = new Map<string, MonitorQuote>(
      priceRows.map((row) => [
        row.symbol,
        {
          symbol: row.symbol,
          price: normaliseNumeric(row.price),
          currency: row.currency,
          asOf: row.asOf.toISOString(),
          source: row.source,
        },
      ]),
    );
    const newest = neededSymbols(state)
      .map((symbol) => prices.get(symbol)?.asOf)
      .filter((asOf): asOf is string => asOf !== undefined)
      .sort()
      .pop();
    const asOfDate = (newest ?? state.updatedAt).slice(0, 10);
    let planPolicy = policy.file.policy;
    let regime: DriftRegime | undefined;
    if (policy.adaptiveBands !== null) {
      const reading = await this.regimeOf(manager, policy, asOfDate);
      const adapted = adaptPolicy(planPolicy, policy.adaptiveBands, reading);
      planPolicy = adapted.policy;
      regime = adapted.regime;
    }

    const evaluation = evaluateDrift({
      state,
      policy: planPolicy,
      sleeves: policy.file.sleeves,
      prices,
      stale: new Set(staleRows.map((row) => row.symbol)),
      previouslyActive: new Set(portfolio.activeTriggers),
      maxPriceSkewMs: this.config.MAX_PRICE_SKEW_MS,
      ...(regime === undefined ? {} : { regime }),
    });
    if (evaluation.kind === 'missing-prices') {
      await this.block(
        manager,
        portfolio,
        'missing-prices',
        `no price yet for ${evaluation.symbols.join(', ')}`,
      );
      return;
    }
    if (evaluation.kind === 'stale-prices') {
      await this.block(
        manager,
        portfolio,
        'stale-prices',
        `stale price for ${evaluation.symbols.join(', ')}`,
      );
      return;
    }
    if (evaluation.kind === 'prices-not-aligned') {
      const { oldest, newest: last } = evaluation;
      await this.block(
        manager,
        portfolio,
        'prices-not-aligned',
        `${oldest.symbol} at ${oldest.asOf} is too far from ${last.symbol} at ${last.asOf}`,
      );
      return;
    }
    evaluations.inc({ outcome: 'evaluated' });
    if (portfolio.blockedReason !== null) {
      this.logger.log(`portfolio ${portfolioId} evaluated again (was blocked: ${portfolio.blockedReason})`);
    }
    if (evaluation.heldBack.length > 0 && portfolio.activeTriggers.length === 0) {
      this.logger.debug(`portfolio ${portfolioId}: cooldown holds back ${evaluation.heldBack.join(', ')}`);
    }

    // Risk: the day's value joins the series; a breach alerts once per episode.
    const day = evaluation.asOf.slice(0, 10);
    await manager.query(
      `INSERT INTO portfolio_value (portfolio_id, day, value, version) VALUES ($1, $2, $3, $4)
       ON CONFLICT (portfolio_id, day) DO UPDATE SET value = excluded.value, version = excluded.version`,
      [portfolioId, day, evaluation.report.totalValue, state.version],
    );
    const series = (
      await manager.find(PortfolioValue, {
        where: { portfolioId },
        order: { day: 'DESC' },
        take: this.config.RISK_WINDOW_DAYS + 1,
      })
    )
      .reverse()
      .map((row) => ({ day: row.day, value: row.value, version: row.version }));
    const weights = evaluation.report.rows;
    const risk = riskSnapshot(series, weights, this.config.RISK_MIN_RETURNS);
    const breaches = riskBreaches(risk, weights, policy.riskLimits);
    for (const breach of newBreaches(breaches, new Set(portfolio.breachedLimits))) {
      const alert = riskAlertOf(breach, {
        portfolioId,
        stateVersion: state.version,
        asOf: evaluation.asOf,
        name: state.name,
      });
      await this.outbox.enqueue(manager, RISK_ALERT_TOPIC, portfolioId, alert, {
        correlationId: randomUUID(),
        causationId: cause.id,
      });
      riskAlerts.inc({ limit: breach.limit });
      this.logger.warn(`risk.alert for portfolio ${portfolioId}: ${alert.message}`);
    }

    await manager.update(
      MonitoredPortfolio,
      { portfolioId },
      {
        outOfBand: evaluation.outOfBand,
        activeTriggers: evaluation.active,
        breachedLimits: breaches.map((breach) => breach.key).sort(),
        evaluatedAt: new Date(),
        blockedReason: null,
      },
    );
    if (evaluation.driftDetected !== null) {
      // A detected drift starts a rebalancing run: a new correlation id, caused by this message.
      await this.outbox.enqueue(
        manager,
        DRIFT_DETECTED_TOPIC,
        portfolioId,
        { ...evaluation.driftDetected, risk },
        { correlationId: randomUUID(), causationId: cause.id },
      );
      driftEvents.inc();
      this.logger.log(
        `drift.detected for portfolio ${portfolioId} v${state.version}: ${evaluation.active.join(', ')}`,
      );
    }
  }

  /**
   * Records why nothing was decided. Loud (a warning) when the reason changes, a metric every time:
   * stale and missing prices stop a portfolio's rebalancing and must be seen, not guessed.
   */
  private async block(
    manager: EntityManager,
    portfolio: MonitoredPortfolio,
    outcome: 'missing-prices' | 'stale-prices' | 'prices-not-aligned' | 'invalid-policy',
    detail: string,
  ): Promise<void> {
    evaluations.inc({ outcome });
    const reason = `${outcome}: ${detail}`;
    if (portfolio.blockedReason !== reason) {
      this.logger.warn(`portfolio ${portfolio.portfolioId} not evaluated: ${detail}`);
      await manager.update(
        MonitoredPortfolio,
        { portfolioId: portfolio.portfolioId },
        { blockedReason: reason },
      );
    }
  }

  /** The regime of the policy's benchmark after its daily closes before `asOfDate` (the day's own is not final). */
  private async regimeOf(
    manager: EntityManager,
    policy: MonitorPolicy,
    asOfDate: string,
  ): Promise<RegimeReading | null> {
    const source = policy.adaptiveBands;
    if (source === null) return null;
    const key = `${asOfDate}|${JSON.stringify(source.thresholds)}`;
    const cached = this.regimes.get(source.benchmark);
    if (cached !== undefined && cached.key === key) return cached.reading;
    const rows = await manager.find(DailyClose, {
      where: { symbol: source.benchmark, day: LessThan(asOfDate) },
      order: { day: 'DESC' },
      take: REGIME_HISTORY_DAYS,
    });
    const reading = regimeAfter(
      rows.reverse().map((row) => Number(row.close)),
      source,
    );
    this.regimes.set(source.benchmark, { key, reading });
    return reading;
  }
}

/** PostgreSQL numeric comes back as text with trailing zeros as stored; keep it a decimal string. */
function normaliseNumeric(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}
