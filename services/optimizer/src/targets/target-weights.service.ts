import { Inject, Injectable, Logger } from '@nestjs/common';
import { type PortfolioStatePayload } from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { type TargetPolicy } from '@ballast/platform-ledger-snapshot';
import { REDIS_CLIENT, redisKey } from '@ballast/platform-redis';
import type Redis from 'ioredis';
import { type OptimizerConfig } from '../config/optimizer.config';
import { HISTORY_PORT, type HistoryPort } from '../history/history.port';
import { type Estimates, estimatesFromHistory, objectiveWeights } from './estimates';

/** Redis key of the estimates of a universe over a window ending on a date. */
export function estimatesKey(
  prefix: string,
  universe: readonly string[],
  lookbackDays: number,
  asOf: string,
) {
  return redisKey(prefix, 'optimizer', 'estimates', [...universe].sort().join(','), `${lookbackDays}d`, asOf);
}

export interface TargetDecision {
  readonly targets: { symbol: string; weight: number }[];
  /** `fixed`, the objective's name, or `fixed (fallback)`. */
  readonly source: string;
  readonly explanation: string[];
  /** For the decision record: what the objective was computed from. */
  readonly inputs: Record<string, unknown>;
}

/**
 * Target weights of a run: the fixed model of the state, or the objective of the policy over
 * market-data's history. Covariance and expected returns are cached in Redis by (universe, window,
 * as-of): every portfolio on the same model and every redelivery of a day share one computation.
 */
@Injectable()
export class TargetWeightsService {
  private readonly logger = new Logger(TargetWeightsService.name);

  constructor(
    @Inject(HISTORY_PORT) private readonly history: HistoryPort,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: OptimizerConfig,
  ) {}

  async targetsFor(
    state: PortfolioStatePayload,
    policy: TargetPolicy,
    asOf: string,
  ): Promise<TargetDecision> {
    const fixed = state.targets.map((target) => ({ symbol: target.symbol, weight: target.weight }));
    if (!('objective' in policy)) {
      return {
        targets: fixed,
        source: 'fixed',
        explanation: ['Targets: the fixed model of the portfolio.'],
        inputs: { source: 'fixed' },
      };
    }
    const universe = state.targets.map((target) => target.symbol);
    try {
      const { estimates, cached } = await this.estimates(universe, policy.lookbackDays, asOf);
      const targets = objectiveWeights(estimates, policy);
      return {
        targets,
        source: policy.objective,
        explanation: [
          `Targets: ${policy.objective} over ${estimates.observations} daily returns of ${universe.join(', ')} from ${estimates.from} to ${estimates.to} (${cached ? 'cached' : 'computed'} estimates): ` +
            targets.map((target) => `${target.symbol} ${(target.weight * 100).toFixed(2)}%`).join(', ') +
            '.',
        ],
        inputs: { source: policy.objective, policy, estimates },
      };
    } catch (error) {
      if (policy.fallback !== 'fixed') throw error;
      this.logger.warn(
        `portfolio ${state.portfolioId}: ${policy.objective} targets failed, using the fixed model: ${(error as Error).message}`,
      );
      return {
        targets: fixed,
        source: 'fixed (fallback)',
        explanation: [
          `Targets: the fixed model, because ${policy.objective} could not be computed: ${(error as Error).message}.`,
        ],
        inputs: { source: 'fixed', fallbackFrom: policy.objective, reason: (error as Error).message },
      };
    }
  }

  private async estimates(
    universe: readonly string[],
    lookbackDays: number,
    asOf: string,
  ): Promise<{ estimates: Estimates; cached: boolean }> {
    const key = estimatesKey(this.config.REDIS_KEY_PREFIX, universe, lookbackDays, asOf);
    const hit = await this.redis.get(key);
    if (hit !== null) {
      const estimates = JSON.parse(hit) as Estimates;
      // The key sorts the universe; the weights follow the caller's order.
      return { estimates: reorder(estimates, universe), cached: true };
    }
    // Calendar days that hold lookbackDays trading days (5 of every 7, plus holidays).
    const from = addDays(asOf, -Math.ceil(lookbackDays * 1.5) - 10);
    const bars = await this.history.dailyCloses(universe, from, asOf);
    const estimates = estimatesFromHistory(universe, bars, lookbackDays);
    await this.redis.set(key, JSON.stringify(estimates), 'EX', this.config.ESTIMATES_CACHE_TTL_SECONDS);
    return { estimates, cached: false };
  }
}

function reorder(estimates: Estimates, universe: readonly string[]): Estimates {
  const index = universe.map((symbol) => estimates.symbols.indexOf(symbol));
  if (index.some((i) => i < 0)) throw new Error(`cached estimates lack a symbol of ${universe.join(', ')}`);
  const n = estimates.symbols.length;
  return {
    ...estimates,
    symbols: [...universe],
    expectedReturns: index.map((i) => estimates.expectedReturns[i] as number),
    covariance: index.flatMap((i) => index.map((j) => estimates.covariance[i * n + j] as number)),
  };
}

function addDays(date: string, days: number): string {
  const time = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
}
