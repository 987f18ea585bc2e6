import { type PortfolioStatePayload } from '@ballast/contracts';
import { InvalidPortfolioFileError, parsePortfolioFile, type PortfolioFile } from '@ballast/domain-portfolio';
import {
  DEFAULT_ADAPTIVE_BAND_POLICY,
  type AdaptiveBandPolicy,
  RegimeClassifier,
} from '@ballast/domain-signals';
import { portfolioDocumentFromState, servicePolicyOf } from '@ballast/platform-ledger-snapshot';
import { z } from 'zod';

/**
 * `planningPolicy.adaptiveBands`: scale the policy's bands and cooldown by the market regime of a
 * benchmark's daily closes, the same shape as the backtester's `adaptiveBands`
 * (libs/domain/backtest/src/lib/target-sources.ts).
 */
export interface AdaptiveBandsSource {
  readonly benchmark: string;
  readonly thresholds: Record<string, number>;
  readonly bandPolicy: AdaptiveBandPolicy;
}

/** `planningPolicy.riskLimits`: positive fractions; a limit left out is not checked. */
export interface RiskLimits {
  /** Largest current drawdown of the portfolio's daily value series from its peak (0.2 = 20%). */
  readonly maxDrawdown?: number;
  /** Largest annualised volatility of its daily returns. */
  readonly annualVolatility?: number;
  /** Largest weight of one holding. */
  readonly maxPositionWeight?: number;
}

/** Everything the monitor decides with: the `ballast plan` policy, plus its own two fields. */
export interface MonitorPolicy {
  readonly file: PortfolioFile;
  readonly adaptiveBands: AdaptiveBandsSource | null;
  readonly riskLimits: RiskLimits;
}

export interface PolicyIssue {
  readonly path: string;
  readonly message: string;
}

/** A snapshot whose policy cannot be evaluated; every issue names the field as the api takes it. */
export class InvalidMonitorPolicyError extends Error {
  override readonly name = 'InvalidMonitorPolicyError';

  constructor(
    readonly portfolioId: string,
    readonly issues: readonly PolicyIssue[],
  ) {
    super(
      `portfolio ${portfolioId} has an invalid policy: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
    );
  }
}

const fraction = z
  .number({ error: 'must be a number' })
  .gt(0, 'must be greater than 0')
  .max(1, 'must be at most 1 (a fraction: 0.2 = 20%)');
const riskLimitsSchema = z.strictObject({
  maxDrawdown: fraction.optional(),
  annualVolatility: z.number({ error: 'must be a number' }).gt(0, 'must be greater than 0').optional(),
  maxPositionWeight: fraction.optional(),
});
const multiplier = z.strictObject({
  band: z.number().positive().optional(),
  cooldown: z.number().positive().optional(),
});
const adaptiveBandsSchema = z.strictObject({
  benchmark: z.string().regex(/^[A-Z0-9.\-^=]{1,20}$/, 'must be a ticker symbol such as "SPY"'),
  thresholds: z.record(z.string(), z.number()).optional(),
  multipliers: z
    .strictObject({
      'low-vol': multiplier.optional(),
      moderate: multiplier.optional(),
      'high-vol': multiplier.optional(),
      crisis: multiplier.optional(),
    })
    .optional(),
  minBandBps: z.number().positive().optional(),
  maxBandBps: z.number().positive().optional(),
});

/**
 * The policy of a snapshot as `ballast plan` reads it (`portfolioDocumentFromState` then
 * `parsePortfolioFile`, so that the monitor fires on exactly the triggers the planner would), and the
 * monitor's own `adaptiveBands` and `riskLimits`.
 *
 * @throws InvalidMonitorPolicyError listing every problem, each with its field
 *   (`planningPolicy.bands.absolute: ...`, `planningPolicy.riskLimits.maxDrawdown: ...`).
 */
export function monitorPolicyOf(state: PortfolioStatePayload, asOf: string): MonitorPolicy {
  const issues: PolicyIssue[] = [];
  let file: PortfolioFile | null = null;
  try {
    file = parsePortfolioFile(portfolioDocumentFromState(state, asOf));
  } catch (error) {
    if (!(error instanceof InvalidPortfolioFileError)) throw error;
    issues.push(
      ...error.issues.map((issue) => ({
        path: issue.path.replace(/^policy\b/, 'planningPolicy'),
        message: issue.message,
      })),
    );
  }
  const own = servicePolicyOf(state);
  const riskLimits = riskLimitsSchema.safeParse(own.riskLimits ?? {});
  if (!riskLimits.success) issues.push(...zodIssues('planningPolicy.riskLimits', riskLimits.error));
  let adaptiveBands: AdaptiveBandsSource | null = null;
  if (own.adaptiveBands !== undefined) {
    const parsed = adaptiveBandsSchema.safeParse(own.adaptiveBands);
    if (!parsed.success) {
      issues.push(...zodIssues('planningPolicy.adaptiveBands', parsed.error));
    } else {
      const source = parsed.data;
      adaptiveBands = {
        benchmark: source.benchmark,
        thresholds: source.thresholds ?? {},
        bandPolicy: {
          multipliers: {
            'low-vol': {
              ...DEFAULT_ADAPTIVE_BAND_POLICY.multipliers['low-vol'],
              ...source.multipliers?.['low-vol'],
            },
            moderate: {
              ...DEFAULT_ADAPTIVE_BAND_POLICY.multipliers.moderate,
              ...source.multipliers?.moderate,
            },
            'high-vol': {
              ...DEFAULT_ADAPTIVE_BAND_POLICY.multipliers['high-vol'],
              ...source.multipliers?.['high-vol'],
            },
            crisis: { ...DEFAULT_ADAPTIVE_BAND_POLICY.multipliers.crisis, ...source.multipliers?.crisis },
          },
          minBandBps: source.minBandBps ?? DEFAULT_ADAPTIVE_BAND_POLICY.minBandBps,
          maxBandBps: source.maxBandBps ?? DEFAULT_ADAPTIVE_BAND_POLICY.maxBandBps,
        },
      };
      try {
        // The classifier checks its thresholds (names, ranges, order) and says which one is wrong.
        new RegimeClassifier(adaptiveBands.thresholds);
      } catch (error) {
        issues.push({ path: 'planningPolicy.adaptiveBands.thresholds', message: (error as Error).message });
      }
      if (adaptiveBands.bandPolicy.minBandBps > adaptiveBands.bandPolicy.maxBandBps) {
        issues.push({
          path: 'planningPolicy.adaptiveBands.minBandBps',
          message: 'must not exceed maxBandBps',
        });
      }
      if (file !== null && file.policy.bands.absolute === null && file.policy.bands.relative === null) {
        issues.push({
          path: 'planningPolicy.adaptiveBands',
          message: "adaptive bands scale the policy's bands: set bands.absolute or bands.relative",
        });
      }
    }
  }
  if (issues.length > 0 || file === null) throw new InvalidMonitorPolicyError(state.portfolioId, issues);
  return { file, adaptiveBands, riskLimits: riskLimits.success ? riskLimits.data : {} };
}

function zodIssues(prefix: string, error: z.ZodError): PolicyIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}
